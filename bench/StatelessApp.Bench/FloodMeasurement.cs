namespace StatelessApp.Bench;

/// <summary>
/// The flood configuration's figures: the other shoppers unloaded and again while one client floods, the flood's answers,
/// and Redis memory. <see cref="P99Ratio"/> is the target (at most 2, with 0 of the others' requests failed).
/// </summary>
public sealed record FloodMeasurement(
    int OtherShoppers,
    TimeSpan OtherShoppersPause,
    FloodPhase Unloaded,
    FloodPhase Flooded,
    int FloodConnections,
    int FloodRequestLimit,
    double FloodSeconds,
    IReadOnlyDictionary<string, int> FloodStatuses,
    IReadOnlyDictionary<string, int> FloodRefusedBy,
    long RedisUsedMemoryPeakUnloaded,
    long RedisUsedMemoryPeakFlooded,
    long RedisMaxMemory,
    int RedisSamples,
    int RedisSamplesMissed,
    IReadOnlyList<string> OtherFailures)
{
    /// <summary>The target: the others' p99 under the flood within 2x of its unloaded value.</summary>
    public const double P99Target = 2.0;

    public int FloodRequests => FloodStatuses.Values.Sum();

    public double FloodRequestsPerSecond => FloodRequests / FloodSeconds;

    public double P99Ratio => Flooded.P99Milliseconds / Unloaded.P99Milliseconds;
}

/// <summary>The other shoppers' requests in one phase: how many, how fast, how many failed.</summary>
public sealed record FloodPhase(string Name, double Seconds, int Requests, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds, int Failures);
