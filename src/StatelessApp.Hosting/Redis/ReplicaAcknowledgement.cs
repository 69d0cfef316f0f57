using System.Globalization;
using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Makes a write durable across a failover: after the write, <c>WAIT replicas timeout</c> on the SAME connection
/// (WAIT counts the replicas that have everything this connection wrote so far). Redis replicates asynchronously; a
/// write acknowledged by the primary alone is lost if the primary dies before shipping it, because Sentinel then
/// promotes a replica that never saw it.
/// </summary>
/// <remarks>
/// WAIT blocks the connection it runs on until the replicas answer or the timeout passes, so it must not run on the
/// shared multiplexer that serves every read: use <see cref="RedisConnections.ReplicatedWrites"/>. A write that times
/// out is still on the primary (WAIT cannot undo it): the caller must report "not confirmed", not "not done".
/// </remarks>
public static class ReplicaAcknowledgement
{
    /// <exception cref="ReplicaAcknowledgementException">Fewer than <paramref name="replicas"/> replicas confirmed in time.</exception>
    public static async Task EnsureAsync(IDatabase database, int replicas, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (replicas == 0)
        {
            return;
        }

        var acknowledged = (long)await database.ExecuteAsync("WAIT", replicas, Milliseconds(timeout));
        if (acknowledged < replicas)
        {
            throw new ReplicaAcknowledgementException(what, replicas, acknowledged, timeout);
        }
    }

    /// <inheritdoc cref="EnsureAsync"/>
    public static void Ensure(IDatabase database, int replicas, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (replicas == 0)
        {
            return;
        }

        var acknowledged = (long)database.Execute("WAIT", replicas, Milliseconds(timeout));
        if (acknowledged < replicas)
        {
            throw new ReplicaAcknowledgementException(what, replicas, acknowledged, timeout);
        }
    }

    // WAIT 0 would mean "wait forever": never send it.
    private static long Milliseconds(TimeSpan timeout) => Math.Max(1, (long)timeout.TotalMilliseconds);

    internal static string Describe(int replicas, TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"{replicas} replica(s) within {timeout.TotalMilliseconds:0} ms");
}
