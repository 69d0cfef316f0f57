using NpgsqlTypes;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// What the primary's <c>pg_stat_replication</c> (through <c>replication_status.standbys()</c>) said at one moment, reduced to what a commit confirmation needs
/// (<see cref="StandbyConfirmation{TContext}"/>). Rows in <c>startup</c> or <c>backup</c> state confirm nothing.
/// </summary>
/// <param name="Senders">WAL sender rows (one per connected standby or backup).</param>
/// <param name="VisibleSenders">Rows whose details this role may see (the function's owner needs <c>pg_read_all_stats</c> to see them all).</param>
/// <param name="ReplicatingStandbys">Standbys receiving WAL (<c>streaming</c>, or <c>catchup</c> after a reconnect).</param>
/// <param name="HighestFlush">The furthest position any of them has flushed to its own disk, or null.</param>
public readonly record struct ReplicationSnapshot(
    long Senders,
    long VisibleSenders,
    long ReplicatingStandbys,
    NpgsqlLogSequenceNumber? HighestFlush)
{
    /// <summary>What this snapshot says about a commit that ended at <paramref name="commit"/>.</summary>
    public StandbyConfirmationState Evaluate(NpgsqlLogSequenceNumber commit) =>
        Senders > VisibleSenders ? StandbyConfirmationState.NotPermitted
        : ReplicatingStandbys == 0 ? StandbyConfirmationState.NoStandby
        : HighestFlush >= commit ? StandbyConfirmationState.Confirmed
        : StandbyConfirmationState.Pending;
}
