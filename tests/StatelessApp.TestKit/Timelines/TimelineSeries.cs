namespace StatelessApp.TestKit.Timelines;

/// <summary>One stacked series: a count for every second of the timeline, drawn in <see cref="Colour"/> (SVG colour).</summary>
public sealed record TimelineSeries(string Name, string Colour, IReadOnlyList<int> PerSecond)
{
    public int Total => PerSecond.Sum();
}
