namespace StatelessApp.Web.Data;

/// <summary>An item of the catalogue. Read from a standby; written only by migrations.</summary>
public sealed class Product
{
    public int Id { get; set; }

    /// <summary>Stock-keeping unit, unique, e.g. "TEA-001".</summary>
    public required string Sku { get; set; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    public required string Category { get; set; }

    /// <summary>Unit price in euros, numeric(10,2).</summary>
    public decimal Price { get; set; }
}
