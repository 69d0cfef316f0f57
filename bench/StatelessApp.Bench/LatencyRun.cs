using StatelessApp.TestKit.Statistics;

namespace StatelessApp.Bench;

/// <summary>The latencies of a probe run (milliseconds, in request order), its failed answers and those served elsewhere.</summary>
public sealed record LatencyRun(IReadOnlyList<double> Latencies, int Errors, int ServedElsewhere)
{
    public double P50 => Percentiles.Of(Latencies, 0.50);

    public double P99 => Percentiles.Of(Latencies, 0.99);
}
