using NpgsqlTypes;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// What the commit's own round trip learnt (<see cref="StandbyConfirmation{TContext}.ReadCommitAsync"/>): a WAL position
/// at or past the commit, and the standbys' positions at that moment (null when confirmation is off).
/// </summary>
/// <param name="ReadAt">When the answer was read (<see cref="TimeProvider.GetTimestamp"/>): the confirmation's timeout runs from here.</param>
public readonly record struct CommitAnswer(NpgsqlLogSequenceNumber Position, ReplicationSnapshot? Standbys, long ReadAt)
{
    /// <summary>The primary's timeline at the commit (read with the standbys' snapshot; 0 when confirmation is off).</summary>
    public int Timeline { get; init; }
}
