using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Meter <c>StatelessApp.Sessions</c>:
/// <list type="bullet">
/// <item><c>statelessapp.sessions.operation.duration</c> (histogram, s), every round trip of the session store, tags
/// <c>operation</c> (load, local_load, save, delete, regenerate) and <c>outcome</c> (ok, timeout, error, cancelled). A save
/// includes its replica confirmation (WAIT), so a slow replica shows here as well as in
/// <c>statelessapp.redis.replica_ack.duration</c>.</item>
/// <item><c>statelessapp.sessions.loads</c> (counter), loads of an existing session by where they were answered, tag
/// <c>served_by</c>: <c>local</c> (the instance's own region's node held the cookie's version) or <c>primary</c>, and for the
/// primary tag <c>reason</c>: why not locally (<see cref="LocalMiss"/>).</item>
/// <item><c>statelessapp.sessions.expiry_refreshes</c> (counter), idle expiries slid on the primary after a local load,
/// tag <c>outcome</c>.</item>
/// </list>
/// </summary>
public sealed class SessionMetrics
{
    public const string MeterName = "StatelessApp.Sessions";

    public const string ServedLocally = "local";

    public const string ServedByPrimary = "primary";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _refreshes;

    public SessionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _duration = DurationBuckets.Create(meter, "statelessapp.sessions.operation.duration",
            "Session store round trips (load, local_load, save, delete, regenerate), replica confirmation included");
        _loads = meter.CreateCounter<long>("statelessapp.sessions.loads", unit: "{load}",
            description: "Session loads by the Redis node that answered: the local one or the primary");
        _refreshes = meter.CreateCounter<long>("statelessapp.sessions.expiry_refreshes", unit: "{refresh}",
            description: "Idle expiries slid on the primary, unawaited, after a load served locally");
    }

    internal void Record(string operation, string outcome, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));

    internal void RecordLocalLoad() => _loads.Add(1, new KeyValuePair<string, object?>("served_by", ServedLocally));

    internal void RecordPrimaryLoad(string reason) =>
        _loads.Add(1, new KeyValuePair<string, object?>("served_by", ServedByPrimary), new KeyValuePair<string, object?>("reason", reason));

    internal void RecordExpiryRefresh(string outcome) => _refreshes.Add(1, new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));
}
