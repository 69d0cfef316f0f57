namespace StatelessApp.TestKit.Timelines;

/// <summary>Turns sampled states (a watch round every 250 ms, say) into a lane's segments and its changes of state.</summary>
public static class LaneSegments
{
    /// <summary>
    /// Merges consecutive samples of one state into a segment that lasts until the next state's first sample (the last
    /// until <paramref name="end"/>). Samples must be in time order. <paramref name="alarm"/> marks the states drawn as trouble.
    /// </summary>
    public static IReadOnlyList<LaneSegment> FromSamples(IEnumerable<(TimeSpan At, string State)> samples, TimeSpan end,
        Func<string, bool>? alarm = null)
    {
        var segments = new List<LaneSegment>();
        (TimeSpan From, string State)? open = null;
        foreach (var (at, state) in samples)
        {
            if (open is { } current && current.State == state)
            {
                continue;
            }

            if (open is { } previous)
            {
                segments.Add(new LaneSegment(previous.From, at, previous.State, alarm?.Invoke(previous.State) ?? false));
            }

            open = (at, state);
        }

        if (open is { } last && last.From < end)
        {
            segments.Add(new LaneSegment(last.From, end, last.State, alarm?.Invoke(last.State) ?? false));
        }

        return segments;
    }

    /// <summary>Every change from one segment's state to the next one's, at the time the new state was first seen.</summary>
    public static IReadOnlyList<(TimeSpan At, string From, string To)> Changes(IReadOnlyList<LaneSegment> segments) =>
        [.. segments.Zip(segments.Skip(1), (before, after) => (after.From, before.Label, after.Label))];

    /// <summary>
    /// The moments from <paramref name="after"/> on at which a state other than the last good one began (trouble states,
    /// such as "none", skipped): a new primary. The same state again after trouble is no change.
    /// </summary>
    public static IReadOnlyList<(TimeSpan At, string State)> Takeovers(IReadOnlyList<LaneSegment> segments, TimeSpan after,
        Func<string, bool> trouble)
    {
        var takeovers = new List<(TimeSpan, string)>();
        string? holder = null;
        foreach (var segment in segments.Where(s => !trouble(s.Label)))
        {
            if (holder is not null && segment.Label != holder && segment.From >= after)
            {
                takeovers.Add((segment.From, segment.Label));
            }

            holder = segment.Label;
        }

        return takeovers;
    }
}
