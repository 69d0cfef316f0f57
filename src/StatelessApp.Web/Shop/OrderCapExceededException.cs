using StatelessApp.Hosting.RateLimiting;

namespace StatelessApp.Web.Shop;

/// <summary>The shopper reached the order cap; <see cref="OrderCapExceptionHandler"/> answers 429 with Retry-After.</summary>
public sealed class OrderCapExceededException(RateLimitPolicy policy, int retryAfterSeconds)
    : Exception($"Order cap reached: {policy.PermitLimit} orders per {policy.Window}; the next one is possible in {retryAfterSeconds} s.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
