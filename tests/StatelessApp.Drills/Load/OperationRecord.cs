namespace StatelessApp.Drills.Load;

/// <summary>One operation of the history, with times relative to the start of the load.</summary>
public sealed record OperationRecord(int Shopper, OperationKind Kind, TimeSpan Start, TimeSpan End, Outcome Outcome, string Status)
{
    /// <summary>The checkout's idempotency key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The order a 201 acknowledged.</summary>
    public Guid? OrderId { get; init; }

    /// <summary>The instance that served it (X-Served-By, "a/app-1"), when one did.</summary>
    public string? ServedBy { get; init; }

    /// <summary>Region that served it ("a/app-1" → "a"), when it was served.</summary>
    public string? Region => ServedBy?.Split('/')[0];

    public bool IsWrite => Kind is OperationKind.AddToCart or OperationKind.SetQuantity or OperationKind.Checkout;
}
