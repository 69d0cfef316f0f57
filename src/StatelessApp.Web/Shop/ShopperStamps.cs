using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Shop;

/// <summary>
/// The revocation stamps of shopper cookies, in Redis, so every instance of both regions sees a revocation. A cookie
/// carries the stamp it was issued with; the shopper's current stamp is <see cref="Initial"/> until a revocation stores
/// a random one (with a TTL of the cookie lifetime plus a day: by then every cookie it revoked has expired). New
/// shoppers cost no Redis write.
/// </summary>
public sealed partial class ShopperStamps(
    IServiceProvider services,
    IOptions<ShopperCookieOptions> shopperOptions,
    IOptions<RedisSessionOptions> sessionOptions,
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
    public async Task<string?> CurrentAsync(string shopperId, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await Database().StringGetAsync(Key(shopperId)).WaitAsync(cancellationToken);
            return stored.IsNull ? Initial : stored.ToString();
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

    /// <summary>Makes <paramref name="stamp"/> the shopper's current one, on the Redis primary: every cookie with another is refused from now on.</summary>
    /// <exception cref="RedisException">Redis failed: the stamp may or may not be stored.</exception>
    public Task StoreAsync(string shopperId, string stamp, CancellationToken cancellationToken) =>
        WriteDatabase().StringSetAsync(Key(shopperId), stamp, shopperOptions.Value.Lifetime + TimeSpan.FromDays(1)).WaitAsync(cancellationToken);

    /// <summary>Waits until the replicas have what <see cref="StoreAsync"/> wrote (as a session write does), so a failover keeps it.</summary>
    /// <exception cref="ReplicaAcknowledgementException">Not confirmed in time: the stamp is on the primary only.</exception>
    public Task ConfirmAsync(CancellationToken cancellationToken) =>
        ReplicaAcknowledgement.EnsureAsync(WriteDatabase(), sessionOptions.Value.RequiredReplicas, sessionOptions.Value.ReplicaAckTimeout,
            "shopper revocation", cancellationToken);

    private static RedisKey Key(string shopperId) => KeyPrefix + shopperId;

    // Resolved per call: with Sentinel, creating the multiplexer throws while no Sentinel answers (see RedisSessionStore).
    private IDatabase Database() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    // WAIT must follow the write on the same connection, and must not stall the shared one (see RedisConnections).
    private IDatabase WriteDatabase() => sessionOptions.Value.RequiredReplicas == 0
        ? Database()
        : services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites).GetDatabase();

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning,
        Message = "Shopper stamps unavailable ({Reason}): shopper cookies are accepted without the revocation check until Redis answers (logged at most every 10 s)")]
    private partial void LogUnchecked(string reason);
}
