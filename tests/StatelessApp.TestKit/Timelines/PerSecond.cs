namespace StatelessApp.TestKit.Timelines;

/// <summary>Counts events into one bucket per whole second since the start: second n holds [n, n+1).</summary>
public static class PerSecond
{
    /// <summary>Buckets a timeline of this length has (a started second counts).</summary>
    public static int SecondsIn(TimeSpan duration) => Math.Max(0, (int)Math.Ceiling(duration.TotalSeconds));

    /// <summary>
    /// One count per second for every key (in the order given, also keys with no event); events outside
    /// [0, <paramref name="duration"/>) and of other keys are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, int[]> Count(IEnumerable<(TimeSpan At, string Key)> events, IReadOnlyList<string> keys,
        TimeSpan duration)
    {
        var seconds = SecondsIn(duration);
        var counts = keys.ToDictionary(k => k, _ => new int[seconds], StringComparer.Ordinal);
        foreach (var (at, key) in events)
        {
            if (at < TimeSpan.Zero || at >= duration || !counts.TryGetValue(key, out var series))
            {
                continue;
            }

            series[(int)at.TotalSeconds]++;
        }

        return counts;
    }
}
