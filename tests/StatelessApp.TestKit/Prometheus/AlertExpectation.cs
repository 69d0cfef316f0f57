namespace StatelessApp.TestKit.Prometheus;

/// <summary>
/// An alert a test expects, by name and optionally one label (<c>TargetDown</c> with <c>job=redis</c>), and why: the why
/// goes into the failure message and the docs.
/// </summary>
public sealed record AlertExpectation(string Name, string? LabelName = null, string? LabelValue = null)
{
    public bool Matches(AlertSpan span) =>
        span.Name == Name && (LabelName is null || span.Label(LabelName) == LabelValue);

    public override string ToString() => LabelName is null ? Name : $"{Name}{{{LabelName}=\"{LabelValue}\"}}";

    /// <summary>
    /// What is wrong with the alerts that fired: each of <paramref name="must"/> that no span matches, and each span that
    /// neither <paramref name="must"/> nor <paramref name="may"/> (alerts whose firing depends on a race, e.g. a
    /// failover against a <c>for:</c>) allows. Empty when the alerts are as expected.
    /// </summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<AlertSpan> fired, IReadOnlyList<AlertExpectation> must,
        IReadOnlyList<AlertExpectation>? may = null)
    {
        var problems = new List<string>();
        problems.AddRange(must.Where(e => !fired.Any(e.Matches)).Select(e => $"{e} did not fire"));
        problems.AddRange(fired.Where(s => !must.Concat(may ?? []).Any(e => e.Matches(s))).Select(s => s.Describe()).Distinct()
            .Select(s => $"{s} fired unexpectedly"));
        return problems;
    }
}
