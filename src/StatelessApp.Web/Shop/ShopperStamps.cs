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
