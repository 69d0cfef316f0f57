using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts hits in fixed windows on the shared Redis primary, without scripts (the app's ACL user has no @scripting):
/// one MULTI/EXEC per call, INCR and EXPIRE NX per counter, one round trip. EXPIRE only the first time (NX), so a
/// counter dies at its window's end; inside the transaction an INCR never outlives its expiry. No WAIT: a counter lost
/// in a failover only lets a few more requests through.
/// </summary>
public sealed class RedisWindowCounter(IServiceProvider services)
{
    /// <summary>
    /// Makes the shared multiplexer if it is not made yet (its first resolution connects, synchronously), so that a caller
    /// can pay for that outside a lock it then sends under.
    /// </summary>
    internal void Connect() => services.GetRequiredService<IConnectionMultiplexer>();

    /// <summary>Adds one hit to each counter and returns their new values, in order.</summary>
    /// <exception cref="RedisException">Redis is unreachable (also while no Sentinel answers).</exception>
    public async Task<long[]> HitAsync(IReadOnlyList<(string Key, TimeSpan Lifetime)> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        if (!redis.IsConnected)
        {
            // Fail now rather than queue behind the reconnection (the caller fails open: no request waits on a dead Redis).
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis is not connected.", null, CommandStatus.Unknown);
        }

        var transaction = redis.GetDatabase().CreateTransaction();
        var counts = new Task<long>[counters.Count];
        for (var i = 0; i < counters.Count; i++)
        {
            counts[i] = transaction.StringIncrementAsync(counters[i].Key, flags: CommandFlags.DemandMaster);
            _ = transaction.KeyExpireAsync(counters[i].Key, counters[i].Lifetime, ExpireWhen.HasNoExpiry, CommandFlags.DemandMaster);
        }

        if (!await transaction.ExecuteAsync(CommandFlags.DemandMaster).ConfigureAwait(false))
        {
            throw new RedisException("The rate-limit transaction was not executed.");
        }

        var values = new long[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            values[i] = await counts[i].ConfigureAwait(false);
        }

        return values;
    }
}
