namespace StatelessApp.Hosting.Data;

/// <summary>Where a commit stands with respect to the standbys.</summary>
public enum StandbyConfirmationState
{
    /// <summary>A standby has flushed the commit to its disk: it survives the loss of the primary's machine.</summary>
    Confirmed,

    /// <summary>
    /// No standby is connected, so there is nobody to wait for: the commit is on the primary only. Accepted (the
    /// primary's region keeps working alone, as with Patroni's non-strict synchronous mode), and logged.
    /// </summary>
    NoStandby,

    /// <summary>A standby is connected but has not flushed the commit yet.</summary>
    Pending,

    /// <summary>
    /// The standbys' positions are hidden from the app's role (the owner of <c>replication_status.standbys()</c> lacks
    /// <c>pg_read_all_stats</c>).
    /// </summary>
    NotPermitted,

    /// <summary>Confirmation is switched off (<c>Database:StandbyConfirmationTimeout</c> is zero).</summary>
    NotRequested,
}
