using Microsoft.Extensions.Options;
using StatelessApp.Hosting.RateLimiting;

namespace StatelessApp.Web.Shop;

/// <summary>
/// At most <c>RateLimits:Orders</c> orders per shopper in any sliding window, counted from the orders themselves on the
/// primary (every instance of both regions sees the same count, and it cannot be lost or reset by a Redis failover).
/// The count is taken inside the checkout's transaction, after a transaction-scoped advisory lock on the shopper
/// (<see cref="CheckoutBatch"/>): two checkouts of one shopper on two instances are counted one after the other, so
/// the cap is exact. This class holds the rule; the counting runs in the checkout's single round trip.
/// </summary>
public sealed class OrderCap(IOptionsMonitor<RateLimitPolicy> policies, TimeProvider time)
{
    /// <summary>The named options and the setting: <c>RateLimits:Orders:PermitLimit</c>, <c>RateLimits:Orders:Window</c>.</summary>
    public const string Name = "Orders";

    public const string SectionName = RateLimitOptions.SectionName + ":" + Name;

    public RateLimitPolicy Policy => policies.Get(Name);

    /// <summary>The refusal for a shopper whose oldest order still in the window was placed at <paramref name="oldestInWindow"/>.</summary>
    public OrderCapExceededException Refusal(RateLimitPolicy policy, DateTimeOffset oldestInWindow)
    {
        // The window frees a place when its oldest order leaves it.
        var retryAfter = (int)Math.Ceiling((oldestInWindow + policy.Window - time.GetUtcNow()).TotalSeconds);
        return new OrderCapExceededException(policy, Math.Max(1, retryAfter));
    }
}
