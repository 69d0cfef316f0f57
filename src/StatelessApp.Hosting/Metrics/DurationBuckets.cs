using System.Diagnostics.Metrics;

namespace StatelessApp.Hosting.Metrics;

/// <summary>
/// Bucket advice for the blocks' duration histograms (seconds): from half a millisecond (a Redis round trip on
/// loopback) to 10 s (past every timeout), as ASP.NET Core advises for <c>http.server.request.duration</c>. Without it
/// an exporter's default buckets (0, 5, 10 ... 10000) read seconds as milliseconds and put everything in the first one.
/// </summary>
public static class DurationBuckets
{
    public static readonly InstrumentAdvice<double> Advice = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    /// <summary>A histogram of durations in seconds, with <see cref="Advice"/>.</summary>
    public static Histogram<double> Create(Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(name, unit: "s", description: description, tags: null, advice: Advice);
    }
}
