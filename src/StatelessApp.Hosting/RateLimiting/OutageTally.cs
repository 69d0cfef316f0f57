using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts the requests a Redis outage affects and lets one warning report them per <see cref="Period"/>, from any thread:
/// every request of an outage counts, one line in ten seconds says how many.
/// </summary>
internal sealed class OutageTally(TimeProvider time)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly AtMostEvery _report = new(Period, time);
    private long _since;

    /// <summary>Counts one more; returns the count since the last report when it is time for a report, else null.</summary>
    public long? Add()
    {
        var count = Interlocked.Increment(ref _since);
        if (!_report.Now())
        {
            return null;
        }

        Interlocked.Add(ref _since, -count);
        return count;
    }
}
