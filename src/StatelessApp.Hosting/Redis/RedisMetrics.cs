using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Meter <c>StatelessApp.Redis</c>: <c>statelessapp.redis.replica_ack.duration</c> (histogram, s), each replica
/// confirmation of a write (<see cref="ReplicaAcknowledgement"/>: ROLE when due, then WAIT), tag <c>outcome</c>: ok,
/// timeout (fewer replicas than required confirmed in time: the write is on the primary only), error (Redis failed),
/// cancelled (the caller gave up). A rising p99 is a replica falling behind or a slow link between the regions.
/// </summary>
public sealed class RedisMetrics
{
    public const string MeterName = "StatelessApp.Redis";

    private readonly Histogram<double> _replicaAck;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _replicaAck = DurationBuckets.Create(meterFactory.Create(MeterName), "statelessapp.redis.replica_ack.duration",
            "Replica confirmations (WAIT) of writes that must survive a Redis failover");
    }

    internal void RecordReplicaAck(string outcome, TimeSpan elapsed) =>
        _replicaAck.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));
}
