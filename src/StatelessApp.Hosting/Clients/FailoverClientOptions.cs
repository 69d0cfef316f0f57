using System.Net;

namespace StatelessApp.Hosting.Clients;

/// <summary>
/// Settings of a failover-capable HTTP client (section <c>FailoverClient</c> by default, or per named client): how
/// to resolve the service's name, how long one address may take to accept a connection, and how often a request that
/// is safe to repeat is tried again.
/// </summary>
public sealed class FailoverClientOptions
{
    public const string SectionName = "FailoverClient";

    /// <summary>
    /// The DNS server ("address:port") that answers the service's name with every region's address. Empty: the
    /// system resolver (which on most systems returns the same records, but caches them by its own rules).
    /// </summary>
    public string? DnsServer { get; set; }

    /// <summary>
    /// How long one address may take to accept a TCP connection before the next one is tried. A dead host does not
    /// answer at all, so without this a connect waits for the OS's timeout (minutes) before trying the other region.
    /// </summary>
    public TimeSpan PerAddressConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long an address that failed to connect goes to the back of the list.</summary>
    public TimeSpan FailedAddressPenalty { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts of a request that is safe to repeat (GET, HEAD, OPTIONS, PUT, DELETE, or any request with an
    /// <c>Idempotency-Key</c> header) after a connection failure or a 502/503/504. 1 = never repeat. The
    /// <see cref="RetryBudget"/> usually ends the repeats first.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long after the first attempt a repeat may still start. Long enough to ride out the loss of a region, where
    /// the database's failover takes the longest (Patroni's promotion, and one attempt may itself take seconds while the
    /// proxy retries it on other instances; docs/data.md and docs/failover.md have the figures): a caller sees the
    /// answer late rather than an error. Lower it for callers that would rather fail fast.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Pause before a repeat (a 503's Retry-After counts up to <see cref="MaxRetryDelay"/>).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one pause, whatever Retry-After says (the app's own 503s ask for <see cref="Failures.ServiceUnavailable.RetryAfterSeconds"/>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a pooled connection lives: after it, the next request connects anew (and resolves the name anew), so
    /// traffic returns to a region that came back instead of staying on the survivor forever.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The configuration section these settings came from, so validation messages name the right keys.</summary>
    internal string Section { get; set; } = SectionName;

    internal IPEndPoint? DnsServerEndPoint => string.IsNullOrWhiteSpace(DnsServer) ? null : IPEndPoint.Parse(DnsServer);
}
