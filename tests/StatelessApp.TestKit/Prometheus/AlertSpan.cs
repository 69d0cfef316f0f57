namespace StatelessApp.TestKit.Prometheus;

/// <summary>One alert (name + labels) firing without a break from <see cref="From"/> to <see cref="To"/> (the last sample seen firing).</summary>
public sealed record AlertSpan(string Name, IReadOnlyDictionary<string, string> Labels, DateTimeOffset From, DateTimeOffset To)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The alert as Prometheus writes a series, with the labels that say what it is about (job, region):
    /// <c>TargetDown{job="redis",region="a"}</c>. The instance is left out: one name for the same fault on either region's address.
    /// </summary>
    public string Describe()
    {
        var labels = Labels.Where(l => l.Key is "job" or "region").OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{l.Value}\"").ToList();
        return labels.Count == 0 ? Name : $"{Name}{{{string.Join(",", labels)}}}";
    }
}
