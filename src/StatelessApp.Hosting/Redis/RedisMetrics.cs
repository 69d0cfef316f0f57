using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Meter <c>StatelessApp.Redis</c>: <c>statelessapp.redis.replica_ack.duration</c> (histogram, s), each replica
/// confirmation of a write (<see cref="ReplicaAcknowledgement"/>: ROLE when due, then WAIT), tag <c>outcome</c>: ok,
/// timeout (fewer replicas than required confirmed in time: the write is on the primary only), error (Redis failed),
/// cancelled (the caller gave up). A rising p99 is a replica falling behind or a slow link between the regions.
/// <c>statelessapp.redis.local_reads</c> (counter), each read tried on the own region's node
/// (<see cref="RedisConnections.LocalReads"/>), tags <c>read</c> (what was read, e.g. shopper-stamp) and <c>outcome</c>
/// (<see cref="LocalReadOutcome"/>): answered there, or sent on to the primary and why. Many <c>failed</c>: the
/// local replica is cut off or down, and every such read crosses to the primary.
/// </summary>
public sealed class RedisMetrics
{
    public const string MeterName = "StatelessApp.Redis";

    private readonly Histogram<double> _replicaAck;
    private readonly Counter<long> _localReads;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _replicaAck = DurationBuckets.Create(meter, "statelessapp.redis.replica_ack.duration",
            "Replica confirmations (WAIT) of writes that must survive a Redis failover");
        _localReads = meter.CreateCounter<long>("statelessapp.redis.local_reads", "{read}",
            "Reads tried on the Redis node of the instance's own region, by outcome (local, or on to the primary: differs, missing, failed)");
    }

    internal void RecordReplicaAck(string outcome, TimeSpan elapsed) =>
        _replicaAck.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));

    /// <summary>Counts one read tried on the own region's node; <paramref name="outcome"/> is one of <see cref="LocalReadOutcome"/>.</summary>
    public void RecordLocalRead(string read, string outcome) =>
        _localReads.Add(1, new KeyValuePair<string, object?>("read", read), new KeyValuePair<string, object?>("outcome", outcome));
}
