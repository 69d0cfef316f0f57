using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Meter <c>StatelessApp.Sessions</c>: <c>statelessapp.sessions.operation.duration</c> (histogram, s), every round trip
/// of the session store, tags <c>operation</c> (load, save, delete, regenerate) and <c>outcome</c> (ok, timeout, error,
/// cancelled). A save includes its replica confirmation (WAIT), so a slow replica shows here as well as in
/// <c>statelessapp.redis.replica_ack.duration</c>.
/// </summary>
public sealed class SessionMetrics
{
    public const string MeterName = "StatelessApp.Sessions";

    private readonly Histogram<double> _duration;

    public SessionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _duration = DurationBuckets.Create(meterFactory.Create(MeterName), "statelessapp.sessions.operation.duration",
            "Session store round trips (load, save, delete, regenerate), replica confirmation included");
    }

    internal void Record(string operation, string outcome, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));
}
