namespace StatelessApp.Drills.Load;

/// <summary>What a shopper did. Writes to the session (cart) go to Redis, checkouts to PostgreSQL.</summary>
public enum OperationKind
{
    Browse,
    AddToCart,
    SetQuantity,
    ReadCart,
    Checkout,
}
