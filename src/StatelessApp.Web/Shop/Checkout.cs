using Microsoft.EntityFrameworkCore;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>Turns a cart into an order, on the primary, in one transaction.</summary>
public sealed partial class Checkout(ShopDbContext db, TimeProvider time, ILogger<Checkout> logger)
{
    /// <summary>
    /// Writes the order with prices read from the primary inside the same transaction. Runs in the execution strategy,
    /// which retries the whole attempt after a transient failure (e.g. a connection lost during a failover).
    /// The order id is chosen once, before the first attempt: if a commit succeeded but its acknowledgement was
    /// lost, the retry finds the order and returns it instead of placing it twice.
    /// </summary>
    /// <returns>The order, or null when none of the cart's products exist (nothing to order).</returns>
    public async Task<Order?> PlaceOrderAsync(string shopperId, Cart cart, CancellationToken cancellationToken)
    {
        if (cart.IsEmpty)
        {
            return null;
        }

        var orderId = Guid.CreateVersion7(time.GetUtcNow());
        var strategy = db.Database.CreateExecutionStrategy();
        var order = await strategy.ExecuteAsync(
            (OrderId: orderId, ShopperId: shopperId, Cart: cart),
            async (_, attempt, ct) =>
            {
                db.ChangeTracker.Clear(); // a failed attempt may have left the order tracked as Added

                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var already = await db.Orders.Include(o => o.Lines).AsNoTracking()
                    .FirstOrDefaultAsync(o => o.Id == attempt.OrderId, ct);
                if (already is not null)
                {
                    return already;
                }

                var placed = await BuildOrderAsync(attempt.OrderId, attempt.ShopperId, attempt.Cart, ct);
                if (placed is null)
                {
                    return null;
                }

                db.Orders.Add(placed);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return placed;
            },
            verifySucceeded: null,
            cancellationToken);

        if (order is not null)
        {
            LogOrderPlaced(order.Id, order.Lines.Count, order.Total);
        }

        return order;
    }

    private async Task<Order?> BuildOrderAsync(Guid orderId, string shopperId, Cart cart, CancellationToken cancellationToken)
    {
        var ids = cart.Lines.Select(line => line.ProductId).ToArray();
        var products = await db.Products.AsNoTracking()
            .Where(product => ids.Contains(product.Id))
            .ToDictionaryAsync(product => product.Id, cancellationToken);

        var lines = cart.Lines
            .Where(line => products.ContainsKey(line.ProductId))
            .Select(line =>
            {
                var product = products[line.ProductId];
                return new OrderLine
                {
                    OrderId = orderId,
                    ProductId = product.Id,
                    Sku = product.Sku,
                    ProductName = product.Name,
                    UnitPrice = product.Price,
                    Quantity = line.Quantity,
                };
            })
            .ToList();
        if (lines.Count == 0)
        {
            return null;
        }

        return new Order
        {
            Id = orderId,
            ShopperId = shopperId,
            CreatedAt = ToDatabasePrecision(time.GetUtcNow()),
            Total = lines.Sum(line => line.LineTotal),
            Lines = lines,
        };
    }

    /// <summary>PostgreSQL keeps microseconds: the order returned now equals the order read back later.</summary>
    private static DateTimeOffset ToDatabasePrecision(DateTimeOffset time) =>
        time.AddTicks(-(time.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} placed: {LineCount} lines, total {Total}")]
    private partial void LogOrderPlaced(Guid orderId, int lineCount, decimal total);
}
