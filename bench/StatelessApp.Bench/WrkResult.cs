namespace StatelessApp.Bench;

/// <summary>What wrk/shop.lua's done() prints (times in microseconds), after "BENCH-RESULT ".</summary>
public sealed record WrkResult(long Requests, long DurationMicroseconds, long Bytes, WrkErrors Errors, WrkLatency LatencyMicroseconds, long PoolWraps)
{
    public double Seconds => DurationMicroseconds / 1e6;

    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>Socket errors and HTTP statuses over 399, as wrk counts them.</summary>
public sealed record WrkErrors(long Connect, long Read, long Write, long Status, long Timeout)
{
    public long Total => Connect + Read + Write + Status + Timeout;
}

public sealed record WrkLatency(long P50, long P90, long P99, long Max, double Mean);
