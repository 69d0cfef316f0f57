using Microsoft.EntityFrameworkCore;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// "My orders", read from a STANDBY through the read context. A shopper who has just checked out still sees the order on
/// the next page, on any instance in any region: the checkout's commit position travels with the shopper (session, or the
/// X-Consistency-Token header for API clients), and the read goes to a standby only once it has replayed that far,
/// else to the primary (see docs/consistency.md).
/// </summary>
public sealed class OrderHistory(ReadOnlyDbContext<ShopDbContext> readOnly)
{
    private ShopDbContext Db => readOnly.Context;

    public Task<List<Order>> ListAsync(string shopperId, CancellationToken cancellationToken) =>
        Db.Orders
            .Include(order => order.Lines)
            .Where(order => order.ShopperId == shopperId)
            .OrderByDescending(order => order.CreatedAt)
            .Take(100)
            .ToListAsync(cancellationToken);

    /// <summary>The order, if it exists and belongs to this shopper (someone else's order id finds nothing).</summary>
    public Task<Order?> FindAsync(string shopperId, Guid id, CancellationToken cancellationToken) =>
        Db.Orders
            .Include(order => order.Lines)
            .FirstOrDefaultAsync(order => order.Id == id && order.ShopperId == shopperId, cancellationToken);
}
