using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>A cart as shown to the shopper: each line with the product's current name and price.</summary>
public sealed record PricedCart(IReadOnlyList<PricedCartLine> Lines)
{
    public static readonly PricedCart Empty = new([]);

    public decimal Total => Lines.Sum(line => line.LineTotal);

    public int ItemCount => Lines.Sum(line => line.Quantity);
}

public sealed record PricedCartLine(Product Product, int Quantity)
{
    public decimal LineTotal => Product.Price * Quantity;
}
