namespace StatelessApp.TestKit.Statistics;

/// <summary>Medians and percentiles of measured times, one definition for tests and bench.</summary>
public static class Percentiles
{
    /// <summary>The middle value; the mean of the two middle values for an even count; NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Nearest rank: the smallest value at or above <paramref name="fraction"/> (0.99 for p99) of them; NaN for none.</summary>
    public static double Of(IEnumerable<double> values, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
