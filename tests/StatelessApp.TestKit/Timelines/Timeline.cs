namespace StatelessApp.TestKit.Timelines;

/// <summary>
/// What one drill's timeline image shows: requests per second by outcome and by serving region over
/// [0, <see cref="Duration"/>), moments marked across the whole image (fault, promotions, heal, recovery), and lanes of
/// states over time under the charts (who was primary, which alert was firing).
/// </summary>
public sealed record Timeline(string Title, TimeSpan Duration)
{
    /// <summary>One line under the title: where and when the data came from.</summary>
    public string Subtitle { get; init; } = "";

    /// <summary>Requests per second by outcome, stacked in this order (bottom first).</summary>
    public IReadOnlyList<TimelineSeries> Outcomes { get; init; } = [];

    /// <summary>Requests per second by the region that served them, stacked in this order.</summary>
    public IReadOnlyList<TimelineSeries> Regions { get; init; } = [];

    public IReadOnlyList<TimelineMark> Marks { get; init; } = [];

    public IReadOnlyList<TimelineLane> Lanes { get; init; } = [];

    /// <summary>Whole seconds the per-second series cover.</summary>
    public int Seconds => PerSecond.SecondsIn(Duration);
}
