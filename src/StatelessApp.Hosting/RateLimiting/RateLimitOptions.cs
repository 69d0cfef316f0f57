using System.Security.Claims;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Settings of the application's rate limits (section "RateLimits"): counters in the shared Redis, so every instance in
/// both regions counts against the same limits. See docs/security.md.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>false turns the limits off, the sign-in throttle too (a benchmark of the app alone); the proxies' edge limits still apply.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Prefix of the counters' Redis keys; it must lie in the app user's ACL key pattern (StatelessApp:*).</summary>
    public string KeyPrefix { get; set; } = "StatelessApp:RateLimit:";

    /// <summary>
    /// Bound of the Redis round trip a request waits for when its counters are near a limit (<see cref="LocalShare"/>),
    /// linked to the request's cancellation; past it (or while Redis is unreachable) the request passes unchecked: the
    /// limits fail open. A request the instance's tally decides does not wait at all.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The share of the <see cref="Client"/> and <see cref="User"/> limits an instance grants from its own tally without
    /// waiting for Redis (its last known total plus its own unanswered hits); past it a request waits for Redis's count,
    /// so the limit itself stays exact unless other instances' hits this one has not seen yet exceed the rest. 0: every
    /// request waits (as before the tally); 1: only the request that would reach the limit waits. See docs/security.md.
    /// </summary>
    public double LocalShare { get; set; } = 0.5;

    /// <summary>
    /// Most counters an instance's tally holds (estimated about 300 bytes each, so the default about 6 MB); past it the least recently
    /// used is dropped, and starts again from 0 known. A counter is dropped anyway when its window ends.
    /// </summary>
    public int TallyCapacity { get; set; } = 20_000;

    /// <summary>
    /// Bound of each of the sign-in throttle's two Redis round trips, linked to the request's cancellation; past it the
    /// attempt is refused (fails closed). Longer than <see cref="Timeout"/>: a sign-in already spends ~0.1 s hashing, and
    /// a busy machine's slow round trip must not refuse it.
    /// </summary>
    public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The claim naming the user (the shopper) the <see cref="User"/> limit counts by; none: that limit is skipped.</summary>
    public string UserIdClaim { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>Requests per client address (an IPv6 client by its /64), every request but the health probes.</summary>
    public RateLimitPolicy Client { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromSeconds(10) };

    /// <summary>Requests per authenticated user (<see cref="UserIdClaim"/>), on top of the client limit.</summary>
    public RateLimitPolicy User { get; set; } = new() { PermitLimit = 150, Window = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Sign-in attempts per account name (the normalised email, whether or not such an account exists), counted before
    /// the password is checked: bounds guessing on one account from any number of addresses. See docs/accounts.md#abuse.
    /// </summary>
    public RateLimitPolicy SignInPerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Sign-in attempts per client address (an IPv6 client by its /64), whichever accounts they name: bounds guessing
    /// across many accounts from one address, and how many accounts one address can pause.
    /// </summary>
    public RateLimitPolicy SignInPerClient { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(15) };
}
