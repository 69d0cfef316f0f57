using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// At most <c>RateLimits:Orders</c> orders per shopper in any sliding window, counted from the orders themselves on the
/// primary (every instance of both regions sees the same count, and it cannot be lost or reset by a Redis failover).
/// Checked inside the checkout's transaction, after a transaction-scoped advisory lock on the shopper: two checkouts of
/// one shopper on two instances are counted one after the other, so the cap is exact.
/// </summary>
public sealed class OrderCap(IOptionsMonitor<RateLimitPolicy> policies, TimeProvider time)
{
    /// <summary>The named options and the setting: <c>RateLimits:Orders:PermitLimit</c>, <c>RateLimits:Orders:Window</c>.</summary>
    public const string Name = "Orders";

    public const string SectionName = RateLimitOptions.SectionName + ":" + Name;

    /// <summary>Throws <see cref="OrderCapExceededException"/> when the shopper already placed the cap's worth of orders in the window.</summary>
    public async Task EnsureAllowedAsync(ShopDbContext db, string shopperId, CancellationToken cancellationToken)
    {
        var policy = policies.Get(Name);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({shopperId}, 0))", cancellationToken);

        var now = time.GetUtcNow();
        var since = now - policy.Window;
        var recent = await db.Orders.AsNoTracking()
            .Where(order => order.ShopperId == shopperId && order.CreatedAt > since)
            .OrderBy(order => order.CreatedAt)
            .Select(order => order.CreatedAt)
            .Take(policy.PermitLimit)
            .ToListAsync(cancellationToken);
        if (recent.Count >= policy.PermitLimit)
        {
            // The window frees a place when its oldest order leaves it.
            var retryAfter = (int)Math.Ceiling((recent[0] + policy.Window - now).TotalSeconds);
            throw new OrderCapExceededException(policy, Math.Max(1, retryAfter));
        }
    }
}
