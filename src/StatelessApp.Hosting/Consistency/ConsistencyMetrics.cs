using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// Meter <c>StatelessApp.Consistency</c>: <c>statelessapp.consistency.reads</c> (counter, tag <c>destination</c>),
/// <c>statelessapp.consistency.wait.duration</c> (histogram, s, reads that waited for a standby; tag <c>outcome</c>: ok,
/// timeout (<see cref="ConsistencyOptions.MaxWait"/> ran out: read on the primary), standby-unavailable),
/// <c>statelessapp.consistency.tokens_refused</c> (counter: malformed, forged or another user's header tokens).
/// The same numbers are kept per instance for the status page (<see cref="Snapshot"/>).
/// </summary>
public sealed class ConsistencyMetrics
{
    public const string MeterName = "StatelessApp.Consistency";

    private readonly Counter<long> _reads;
    private readonly Histogram<double> _wait;
    private readonly Counter<long> _refused;
    private readonly long[] _byDestination = new long[Enum.GetValues<ReadDestination>().Length];
    private long _waits;
    private long _waitMicroseconds;
    private long _tokensRefused;

    public ConsistencyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _reads = meter.CreateCounter<long>("statelessapp.consistency.reads", unit: "{read}",
            description: "Read-context connections by destination");
        _wait = DurationBuckets.Create(meter, "statelessapp.consistency.wait.duration",
            "Time a read waited for a standby to replay up to the request's token");
        _refused = meter.CreateCounter<long>("statelessapp.consistency.tokens_refused", unit: "{token}",
            description: "Consistency tokens ignored: malformed, not ours, or another user's");
    }

    internal void RecordRead(ReadDestination destination)
    {
        Interlocked.Increment(ref _byDestination[(int)destination]);
        _reads.Add(1, new KeyValuePair<string, object?>("destination", Tag(destination)));
    }

    public const string StandbyUnavailable = "standby-unavailable";

    /// <param name="outcome"><see cref="MetricOutcome.Ok"/>, <see cref="MetricOutcome.Timeout"/> or <see cref="StandbyUnavailable"/>.</param>
    internal void RecordWait(TimeSpan waited, string outcome)
    {
        Interlocked.Increment(ref _waits);
        Interlocked.Add(ref _waitMicroseconds, (long)waited.TotalMicroseconds);
        _wait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));
    }

    internal void RecordRefusedToken()
    {
        Interlocked.Increment(ref _tokensRefused);
        _refused.Add(1);
    }

    public ConsistencySnapshot Snapshot()
    {
        long Count(ReadDestination destination) => Interlocked.Read(ref _byDestination[(int)destination]);
        var elsewhere = Count(ReadDestination.StandbyElsewhere);
        var waits = Interlocked.Read(ref _waits);
        return new ConsistencySnapshot(
            Count(ReadDestination.Standby) + elsewhere,
            Count(ReadDestination.PrimaryBecauseToken),
            Count(ReadDestination.PrimaryBecauseStandbyUnavailable),
            Count(ReadDestination.PrimaryForced),
            elsewhere,
            Count(ReadDestination.PrimaryInRegion),
            waits,
            waits == 0 ? 0 : Interlocked.Read(ref _waitMicroseconds) / 1000.0 / waits,
            Interlocked.Read(ref _tokensRefused));
    }

    public static string Tag(ReadDestination destination) => destination switch
    {
        ReadDestination.Standby => "standby",
        ReadDestination.PrimaryBecauseToken => "primary-token",
        ReadDestination.PrimaryBecauseStandbyUnavailable => "primary-standby-unavailable",
        ReadDestination.PrimaryForced => "primary-forced",
        ReadDestination.StandbyElsewhere => "standby-elsewhere",
        ReadDestination.PrimaryInRegion => "primary-in-region",
        _ => "unknown",
    };
}

/// <summary>
/// Counts since the instance started. <see cref="StandbyReads"/> counts every standby read (own region or not, as
/// before regions existed); <see cref="StandbyReadsElsewhere"/> is the part of them that crossed to another region.
/// </summary>
public sealed record ConsistencySnapshot(
    long StandbyReads,
    long PrimaryReadsBecauseToken,
    long PrimaryReadsBecauseStandbyUnavailable,
    long PrimaryReadsForced,
    long StandbyReadsElsewhere,
    long PrimaryReadsInRegion,
    long Waits,
    double MeanWaitMilliseconds,
    long TokensRefused)
{
    public long TotalReads => StandbyReads + PrimaryReadsBecauseToken + PrimaryReadsBecauseStandbyUnavailable + PrimaryReadsForced + PrimaryReadsInRegion;

    public double StandbyShare => TotalReads == 0 ? 0 : (double)StandbyReads / TotalReads;
}
