using NpgsqlTypes;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// What one standby's <c>pg_stat_wal_receiver</c> (through <c>replication_status.receiver()</c>) said at one moment,
/// reduced to what a commit confirmation asked of that standby needs (<see cref="OwnRegionStandbys"/>).
/// </summary>
/// <param name="Status">The WAL receiver's status (<c>streaming</c> while connected to its upstream).</param>
/// <param name="Timeline">The timeline of the last WAL it received.</param>
/// <param name="Flushed">The furthest position it has received and flushed to its own disk, or null.</param>
public readonly record struct WalReceiverSnapshot(string Status, int Timeline, NpgsqlLogSequenceNumber? Flushed)
{
    /// <summary>
    /// What this standby can say about a commit that ended at <paramref name="commit"/> on a primary of
    /// <paramref name="commitTimeline"/>. Only a standby streaming that very timeline can vouch for it: a position on
    /// another timeline may hold other WAL (an old primary's diverged tail, a standby not yet switched to the new
    /// primary), and a receiver that is not streaming may keep a start position it never received.
    /// </summary>
    public WalReceiverVerdict Evaluate(NpgsqlLogSequenceNumber commit, int commitTimeline) =>
        Status != "streaming" || Timeline != commitTimeline || Flushed is null ? WalReceiverVerdict.CannotTell
        : Flushed >= commit ? WalReceiverVerdict.Flushed
        : WalReceiverVerdict.NotYet;
}
