using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

public sealed record ProductResponse(int Id, string Sku, string Name, string Description, string Category, decimal Price)
{
    public static ProductResponse From(Product product) =>
        new(product.Id, product.Sku, product.Name, product.Description, product.Category, product.Price);
}

public sealed record AddCartItemRequest(int ProductId, int Quantity);

public sealed record UpdateCartItemRequest(int Quantity);

public sealed record CartResponse(IReadOnlyList<CartLineResponse> Lines, int ItemCount, decimal Total)
{
    public static CartResponse From(PricedCart cart) =>
        new(cart.Lines.Select(line => new CartLineResponse(
                line.Product.Id, line.Product.Sku, line.Product.Name, line.Product.Price, line.Quantity, line.LineTotal)).ToList(),
            cart.ItemCount,
            cart.Total);
}

public sealed record CartLineResponse(int ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record OrderResponse(Guid Id, DateTimeOffset CreatedAt, decimal Total, IReadOnlyList<OrderLineResponse> Lines)
{
    public static OrderResponse From(Order order) =>
        new(order.Id, order.CreatedAt, order.Total,
            order.Lines.OrderBy(line => line.ProductName)
                .Select(line => new OrderLineResponse(line.ProductId, line.Sku, line.ProductName, line.UnitPrice, line.Quantity, line.LineTotal))
                .ToList());
}

public sealed record OrderLineResponse(int ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);
