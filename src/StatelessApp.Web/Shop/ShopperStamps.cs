using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Web.Shop;

/// <summary>
/// The revocation stamps of shopper cookies, in Redis, so every instance of both regions sees a revocation. A cookie
/// carries the stamp it was issued with; the shopper's current stamp is <see cref="Initial"/> until a revocation stores
/// a random one (with a TTL of the cookie lifetime plus a day: by then every cookie it revoked has expired). New
/// shoppers cost no Redis write.
/// </summary>
public sealed partial class ShopperStamps(
    ShopRedis redis,
    RedisMetrics metrics,
    IOptions<ShopperCookieOptions> shopperOptions,
    TimeProvider time,
    ILogger<ShopperStamps> logger)
{
    /// <summary>Under the app's ACL prefix (deploy/redis/users.acl allows the app StatelessApp:* only).</summary>
    public const string KeyPrefix = "StatelessApp:ShopperStamp:";

    /// <summary>The stamp of a shopper never revoked.</summary>
    public const string Initial = "0";

    // While Redis does not answer every request would say so; once per interval is enough to see it.
    private readonly AtMostEvery _uncheckedLog = new(TimeSpan.FromSeconds(10), time);

    public static string NewStamp() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// The shopper's current stamp, or null when Redis cannot tell (logged at most every 10 s): the caller then accepts
    /// the cookie on its DataProtection seal alone, as before stamps existed, rather than fail every request.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<string?> CurrentAsync(string shopperId, CancellationToken cancellationToken) =>
        await ReadAsync(shopperId, cancellationToken) is { } stored
            ? stored.IsNull ? Initial : stored.ToString()
            : null;

    /// <summary>
    /// True when the Redis node of the instance's own region (<see cref="ShopRedis.LocalReads"/>) holds exactly
    /// <paramref name="cookieStamp"/> as the shopper's current stamp (for an anonymous shopper a missing key is
    /// <see cref="Initial"/>; for an account it is not an answer): the cookie is current without asking the primary in
    /// the other region. False in every other case (no local node, another stamp, no key, the node failed or refused:
    /// MASTERDOWN while cut off from its primary, LOADING): the caller then asks the primary as before, so a stamp
    /// issued a moment ago and not yet replicated is still accepted.
    /// </summary>
    /// <remarks>
    /// Why a local "equal" is safe: a revocation is acknowledged only once WAIT has seen every online replica take it
    /// (<see cref="ConfirmAsync"/>), and a replica whose link to the primary is down refuses reads
    /// (replica-serve-stale-data no). What is left: a replica that (re)connects and catches up on a backlog is online
    /// before it has applied it, and one that came online within the last second is not yet waited for
    /// (docs/sessions-and-keyring.md, "Reads from the own region's node").
    /// </remarks>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<bool> IsCurrentLocallyAsync(string shopperId, string? cookieStamp, bool account, CancellationToken cancellationToken)
    {
        if (cookieStamp is null || redis.LocalReads() is not { } local)
        {
            return false;
        }

        RedisValue stored;
        try
        {
            stored = await local.StringGetAsync(Key(shopperId), CommandFlags.PreferReplica).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.RecordLocalRead(ReadName, LocalReadOutcome.Failed);
            return false;
        }

        var current = stored.IsNull ? account ? null : Initial : stored.ToString();
        var outcome = current is null ? LocalReadOutcome.Missing
            : string.Equals(current, cookieStamp, StringComparison.Ordinal) ? LocalReadOutcome.Local
            : LocalReadOutcome.Differs;
        metrics.RecordLocalRead(ReadName, outcome);
        return outcome == LocalReadOutcome.Local;
    }

    /// <summary>
    /// The stamp stored for the shopper, or null when there is none or Redis cannot tell. For accounts, whose truth is the
    /// database: a missing key is not "never revoked" (it may have been lost with a Redis primary), so the caller asks
    /// the database instead.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<string?> StoredAsync(string shopperId, CancellationToken cancellationToken) =>
        await ReadAsync(shopperId, cancellationToken) is { IsNull: false } stored ? stored.ToString() : null;

    /// <summary>Makes <paramref name="stamp"/> the shopper's current one, on the Redis primary: every cookie with another is refused from now on.</summary>
    /// <exception cref="RedisException">Redis failed: the stamp may or may not be stored.</exception>
    public Task StoreAsync(string shopperId, string stamp, CancellationToken cancellationToken) =>
        redis.Writes().StringSetAsync(Key(shopperId), stamp, shopperOptions.Value.Lifetime + TimeSpan.FromDays(1)).WaitAsync(cancellationToken);

    /// <summary>Waits until the replicas have what <see cref="StoreAsync"/> wrote (as a session write does), so a failover keeps it.</summary>
    /// <exception cref="ReplicaAcknowledgementException">Not confirmed in time: the stamp is on the primary only.</exception>
    public Task ConfirmAsync(CancellationToken cancellationToken) => redis.ConfirmAsync("shopper revocation", cancellationToken);

    // The read tag of statelessapp.redis.local_reads.
    private const string ReadName = "shopper-stamp";

    private static RedisKey Key(string shopperId) => KeyPrefix + shopperId;

    /// <summary>The stored value (IsNull when there is none), or null when Redis did not answer (logged at most every 10 s).</summary>
    private async Task<RedisValue?> ReadAsync(string shopperId, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.Reads().StringGetAsync(Key(shopperId)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (_uncheckedLog.Now())
            {
                LogUnchecked(ex.Message);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning,
        Message = "Shopper stamps unavailable ({Reason}): anonymous shopper cookies are accepted without the revocation check, accounts' are checked against the database, until Redis answers (logged at most every 10 s)")]
    private partial void LogUnchecked(string reason);
}
