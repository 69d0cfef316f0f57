using System.Diagnostics;
using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Meter <c>StatelessApp.Data</c>: <c>statelessapp.data.standby_confirmation.duration</c> (histogram, s), each
/// <see cref="StandbyConfirmation{TContext}"/> of a commit, tag <c>outcome</c>: ok (a standby flushed it), no-standby
/// (none connected: accepted on the primary alone), timeout (503), error (the role may not read the positions, or the
/// query failed), cancelled; tag <c>source</c> on ok and no-standby: primary (its <c>pg_stat_replication</c>) or
/// own-region (a standby of the instance's region, asked directly: <see cref="OwnRegionStandbys"/>); and <c>statelessapp.data.retries</c> (counter), units of work the
/// <see cref="FailoverAwareExecutionStrategy"/> repeats, tag <c>reason</c> (<see cref="TransientDatabaseFailure.Kind"/>):
/// read-only and no-host are a failover seen from the app, shutdown and starting a restart or switchover.
/// </summary>
public sealed class DataMetrics
{
    public const string MeterName = "StatelessApp.Data";

    public const string NoStandby = "no-standby";

    /// <summary>Source tag: the primary's view of its standbys decided.</summary>
    public const string Primary = "primary";

    /// <summary>Source tag: a standby of the instance's own region said so itself.</summary>
    public const string OwnRegion = "own-region";

    private readonly Histogram<double> _confirmation;
    private readonly Counter<long> _retries;

    public DataMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _confirmation = DurationBuckets.Create(meter, "statelessapp.data.standby_confirmation.duration",
            "Waits for a standby to flush a commit that must survive the loss of the primary");
        _retries = meter.CreateCounter<long>("statelessapp.data.retries", unit: "{retry}",
            description: "Units of work repeated after a failover or restart, by reason");
    }

    internal void RecordConfirmation(string outcome, TimeSpan elapsed, string? source = null)
    {
        var tags = new TagList { { MetricOutcome.Tag, outcome } };
        if (source is not null)
        {
            tags.Add("source", source);
        }

        _confirmation.Record(elapsed.TotalSeconds, tags);
    }

    internal void RecordRetry(string reason) =>
        _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
