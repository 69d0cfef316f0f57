namespace StatelessApp.Web.Data;

/// <summary>
/// One product in an order. Name and price are copied at checkout: the order shows what was bought at the price
/// paid, whatever the catalogue says later.
/// </summary>
public sealed class OrderLine
{
    public Guid OrderId { get; set; }

    public int ProductId { get; set; }

    public required string Sku { get; set; }

    public required string ProductName { get; set; }

    public decimal UnitPrice { get; set; }

    public int Quantity { get; set; }

    public decimal LineTotal => UnitPrice * Quantity;
}
