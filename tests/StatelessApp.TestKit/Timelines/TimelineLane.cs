namespace StatelessApp.TestKit.Timelines;

/// <summary>A row under the charts: named states over time (who was primary; when an alert fired).</summary>
public sealed record TimelineLane(string Name, IReadOnlyList<LaneSegment> Segments);

/// <summary>One state of a lane from <see cref="From"/> to <see cref="To"/>; <see cref="Alarm"/> draws it as trouble.</summary>
public sealed record LaneSegment(TimeSpan From, TimeSpan To, string Label, bool Alarm = false);
