using System.Diagnostics;
using System.Globalization;
using StatelessApp.Drills.Load;
using StatelessApp.Drills.Monitoring;
using StatelessApp.TestKit.Prometheus;
using StatelessApp.TestKit.Timelines;

namespace StatelessApp.Drills.Timelines;

/// <summary>
/// One drill's history as a <see cref="Timeline"/>: the shoppers' requests per second (by when their answer came) by
/// outcome and by serving region; the primary watch's rounds as lanes of who was writable, with every promotion after
/// the fault marked; every alert that fired as a lane; the fault, the heal and the last failed request marked.
/// </summary>
public static class DrillTimeline
{
    public const string Ok = "ok";
    public const string Refused = "refused (503)";
    public const string Failed = "failed (other status)";
    public const string NoAnswer = "no answer (timeout…)";
    public const string NotServed = "not served";

    public static Timeline Build(string drill, string subtitle, ShopLoad load, TimeSpan duration, IReadOnlyList<WatchRound> rounds,
        IReadOnlyList<AlertSpan> alerts, TimeSpan alertInterval)
    {
        var history = load.History.ToList();
        var outcomes = PerSecond.Count(history.Select(r => (r.End, OutcomeOf(r))), [Ok, Refused, Failed, NoAnswer], duration);
        var regions = PerSecond.Count(history.Select(r => (r.End, r.Region ?? NotServed)), ["a", "b", NotServed], duration);
        var fault = load.Marks.Where(m => m.What == "fault").Select(m => (TimeSpan?)m.At).FirstOrDefault();

        var watched = rounds.Select(r => (At: Stopwatch.GetElapsedTime(load.StartTimestamp, r.Timestamp), Round: r))
            .Where(r => r.At >= TimeSpan.Zero && r.At <= duration).ToList();
        var postgres = LaneSegments.FromSamples(watched.Select(r => (r.At, Primaries(r.Round.PostgresPrimaries))), duration, Trouble);
        var redis = LaneSegments.FromSamples(watched.Select(r => (r.At, Primaries(r.Round.RedisPrimaries))), duration, Trouble);

        var marks = new List<TimelineMark>();
        foreach (var (at, what) in load.Marks)
        {
            marks.Add(new TimelineMark(at, what, what == "fault" ? TimelineMarkKind.Fault : TimelineMarkKind.Heal));
        }

        if (fault is { } faultAt)
        {
            marks.AddRange(Promotions(postgres, faultAt, "Patroni"));
            marks.AddRange(Promotions(redis, faultAt, "Sentinel"));
            var lastFailure = history.Where(r => r.Outcome != Outcome.Ok && r.End >= faultAt).Select(r => (TimeSpan?)r.End).Max();
            if (lastFailure is { } last)
            {
                marks.Add(new TimelineMark(last, "recovered: last failed request", TimelineMarkKind.Recovery));
            }
        }

        var lanes = new List<TimelineLane> { new("PostgreSQL writable", postgres), new("Redis writable", redis) };
        lanes.AddRange(alerts
            .GroupBy(s => s.Describe())
            .OrderBy(g => g.Min(s => s.From))
            .Select(g => new TimelineLane(g.Key, [.. g.Select(s => new LaneSegment(s.From - load.StartedAt, s.To - load.StartedAt + alertInterval,
                s.Label("instance") ?? "firing", Alarm: true))])));

        return new Timeline(drill, duration)
        {
            Subtitle = subtitle,
            Outcomes = Series(outcomes, [(Ok, "#48bb78"), (Refused, "#ed8936"), (Failed, "#e53e3e"), (NoAnswer, "#805ad5")]),
            Regions = Series(regions, [("a", "#3182ce"), ("b", "#d69e2e"), (NotServed, "#a0aec0")]),
            Marks = marks,
            Lanes = lanes,
        };
    }

    /// <summary>
    /// Ok: acknowledged. Refused: 503, the answer of an app that could not do it now (no primary, write not confirmed).
    /// Failed: any other status. No answer: the client got none (timeout, connection lost) after its repeats.
    /// </summary>
    public static string OutcomeOf(OperationRecord record) =>
        record.Outcome == Outcome.Ok ? Ok
        : record.Status == "503" ? Refused
        : int.TryParse(record.Status, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Failed
        : NoAnswer;

    /// <summary>A single writable node other than the last one: a promotion (the same node again after a gap promoted nothing).</summary>
    private static IEnumerable<TimelineMark> Promotions(IReadOnlyList<LaneSegment> lane, TimeSpan fault, string who) =>
        LaneSegments.Takeovers(lane, fault, Trouble).Select(t => new TimelineMark(t.At, $"{who} promoted {t.State}", TimelineMarkKind.Promotion));

    private static string Primaries(IReadOnlyList<string> nodes) => nodes.Count == 0 ? "none" : string.Join(" + ", nodes);

    /// <summary>No writable node, or two (split brain).</summary>
    private static bool Trouble(string state) => state == "none" || state.Contains(" + ", StringComparison.Ordinal);

    private static List<TimelineSeries> Series(IReadOnlyDictionary<string, int[]> counts, IReadOnlyList<(string Name, string Colour)> colours) =>
        [.. colours.Select(c => new TimelineSeries(c.Name, c.Colour, counts[c.Name]))];
}
