using Microsoft.EntityFrameworkCore;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// "My orders", read from the PRIMARY on purpose. A shopper who has just checked out expects to see the order on
/// the next page; a standby may not have replayed that commit yet, and the next request may land on an instance
/// in the other region. Reading one's own writes from a standby needs a consistency token (a later step); until then
/// the primary is the honest choice: always current, at the price of load on the primary.
/// </summary>
public sealed class OrderHistory(ShopDbContext db)
{
    public Task<List<Order>> ListAsync(string shopperId, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking()
            .Include(order => order.Lines)
            .Where(order => order.ShopperId == shopperId)
            .OrderByDescending(order => order.CreatedAt)
            .Take(100)
            .ToListAsync(cancellationToken);

    /// <summary>The order, if it exists and belongs to this shopper (someone else's order id finds nothing).</summary>
    public Task<Order?> FindAsync(string shopperId, Guid id, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking()
            .Include(order => order.Lines)
            .FirstOrDefaultAsync(order => order.Id == id && order.ShopperId == shopperId, cancellationToken);
}
