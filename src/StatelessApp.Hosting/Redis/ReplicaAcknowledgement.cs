using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Makes a write durable across a failover: after the write, <c>WAIT replicas timeout</c> on the SAME connection
/// (WAIT counts the replicas that have everything this connection wrote so far). Redis replicates asynchronously; a
/// write acknowledged by the primary alone is lost if the primary dies before shipping it, because Sentinel then
/// promotes a replica that never saw it.
/// </summary>
/// <remarks>
/// <para>
/// It waits for EVERY replica that is online (<c>ROLE</c>, re-read at most once a second), and at least <c>replicas</c>. "Any one replica" is not
/// enough once a replica exists that Sentinel never promotes (the witness site's, <c>replica-priority 0</c>): it is as
/// close as the others and often answers first, and a write only it had would vanish when Sentinel promotes the other
/// region's replica (the drills saw exactly that). A replica that is gone is no longer listed by ROLE (the primary
/// drops a silent one after <c>repl-timeout</c>, 5 s in deploy/redis/redis.conf), so losing a region costs nothing
/// once it is noticed.
/// </para>
/// <para>
/// WAIT blocks the connection it runs on until the replicas answer or the timeout passes, so it must not run on the
/// shared multiplexer that serves every read: use <see cref="RedisConnections.ReplicatedWrites"/>. A write that times
/// out is still on the primary (WAIT cannot undo it): the caller must report "not confirmed", not "not done".
/// </para>
/// </remarks>
public static class ReplicaAcknowledgement
{
    /// <summary>How long a count of online replicas is trusted before ROLE is asked again (one extra round trip).</summary>
    internal static readonly TimeSpan OnlineReplicasRefresh = TimeSpan.FromSeconds(1);

    private static readonly ConditionalWeakTable<IConnectionMultiplexer, OnlineReplicaCount> Counts = new();

    /// <summary>Waits for the replicas; with <paramref name="metrics"/> (null: not measured), records how long it took and how it ended.</summary>
    /// <exception cref="ReplicaAcknowledgementException">Fewer than the required replicas confirmed in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the write may be done).</exception>
    public static async Task EnsureAsync(IDatabase database, int replicas, TimeSpan timeout, string what, RedisMetrics? metrics,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (replicas == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await WaitForReplicasAsync(database, replicas, timeout, what, cancellationToken);
            metrics?.RecordReplicaAck(MetricOutcome.Ok, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (metrics is not null)
        {
            metrics.RecordReplicaAck(MetricOutcome.Of(ex), Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    /// <inheritdoc cref="EnsureAsync"/>
    public static void Ensure(IDatabase database, int replicas, TimeSpan timeout, string what, RedisMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (replicas == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            WaitForReplicas(database, replicas, timeout, what);
            metrics?.RecordReplicaAck(MetricOutcome.Ok, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (metrics is not null)
        {
            metrics.RecordReplicaAck(MetricOutcome.Of(ex), Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private static async Task WaitForReplicasAsync(IDatabase database, int replicas, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var online = Counts.GetOrCreateValue(database.Multiplexer);
        if (online.IsStale)
        {
            online.Set(OnlineReplicas(await database.ExecuteAsync("ROLE").WaitAsync(cancellationToken)));
        }

        var required = Math.Max(replicas, online.Value);
        var acknowledged = (long)await database.ExecuteAsync("WAIT", required, Milliseconds(timeout)).WaitAsync(cancellationToken);
        if (acknowledged < required)
        {
            // Short: maybe a replica is gone since the count was read. Only a fresh count can excuse it.
            online.Set(OnlineReplicas(await database.ExecuteAsync("ROLE").WaitAsync(cancellationToken)));
            required = Math.Max(replicas, online.Value);
            if (acknowledged < required)
            {
                throw new ReplicaAcknowledgementException(what, required, acknowledged, timeout);
            }
        }
    }

    private static void WaitForReplicas(IDatabase database, int replicas, TimeSpan timeout, string what)
    {
        var online = Counts.GetOrCreateValue(database.Multiplexer);
        if (online.IsStale)
        {
            online.Set(OnlineReplicas(database.Execute("ROLE")));
        }

        var required = Math.Max(replicas, online.Value);
        var acknowledged = (long)database.Execute("WAIT", required, Milliseconds(timeout));
        if (acknowledged < required)
        {
            online.Set(OnlineReplicas(database.Execute("ROLE")));
            required = Math.Max(replicas, online.Value);
            if (acknowledged < required)
            {
                throw new ReplicaAcknowledgementException(what, required, acknowledged, timeout);
            }
        }
    }

    /// <summary>
    /// The replicas a primary's <c>ROLE</c> lists (<c>master, offset, [[ip, port, offset], ...]</c>): those online, the
    /// ones in a full resynchronisation are not. Not a primary (demoted): 0, and the write itself failed already.
    /// </summary>
    internal static int OnlineReplicas(RedisResult role)
    {
        var parts = (RedisResult[]?)role;
        return parts is [var kind, _, var replicas, ..] && (string?)kind == "master" ? ((RedisResult[]?)replicas)?.Length ?? 0 : 0;
    }

    /// <summary>
    /// The primary's online replicas as last read, per multiplexer (so per primary it follows). Read at most once a
    /// second: a replica that came back within that second is waited for from the next count on; one that went away
    /// costs a fresh count when WAIT comes back short.
    /// </summary>
    private sealed class OnlineReplicaCount
    {
        private long _readAt = -1; // never read (TickCount64 counts from boot: never negative)
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public bool IsStale => Volatile.Read(ref _readAt) is var readAt
            && (readAt < 0 || Environment.TickCount64 - readAt > (long)OnlineReplicasRefresh.TotalMilliseconds);

        public void Set(int value)
        {
            Volatile.Write(ref _value, value);
            Volatile.Write(ref _readAt, Environment.TickCount64);
        }
    }

    // WAIT 0 would mean "wait forever": never send it.
    private static long Milliseconds(TimeSpan timeout) => Math.Max(1, (long)timeout.TotalMilliseconds);

    internal static string Describe(int replicas, TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"{replicas} replica(s) within {timeout.TotalMilliseconds:0} ms");
}
