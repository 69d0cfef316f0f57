namespace StatelessApp.Web.Shop;

/// <summary>The outcome of changing a <see cref="Cart"/>.</summary>
public enum CartChange
{
    Done,
    InvalidQuantity,
    TooManyLines,
    NotInCart,
}
