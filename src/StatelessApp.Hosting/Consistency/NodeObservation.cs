using NpgsqlTypes;

namespace StatelessApp.Hosting.Consistency;

/// <summary>What the monitor last saw of one node: its role, its WAL position (replay position on a standby, current
/// position on the primary), how far behind the primary it is, and whether reads may use it.</summary>
public sealed record NodeObservation(
    string Endpoint,
    NodeRole Role,
    NpgsqlLogSequenceNumber Position,
    TimeSpan Lag,
    DateTimeOffset ObservedAt,
    string? Problem)
{
    /// <summary>A standby that reads may use: reachable, in recovery, not lagging past the bound.</summary>
    public bool IsUsableStandby => Role == NodeRole.Standby && Problem is null;
}

public enum NodeRole
{
    Unknown,
    Primary,
    Standby,
    Unreachable,
}
