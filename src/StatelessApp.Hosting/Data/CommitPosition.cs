namespace StatelessApp.Hosting.Data;

/// <summary>
/// The SQL that reads, on the connection that just committed, a WAL position at or past that commit: a standby that has
/// replayed up to it has the commit. Read by the standby confirmation (Data) and by the consistency tokens (Consistency).
/// </summary>
/// <remarks>
/// Why <c>pg_current_wal_lsn()</c> read right after COMMIT on the same connection: PostgreSQL 15 has no function that
/// returns a transaction's own commit LSN. With <c>synchronous_commit</c> on (or any remote_* level), COMMIT returns
/// only after the commit record is flushed locally, so the write position read afterwards is at or past the commit's
/// end. It is also the smallest such position we can learn (the insert position can be ahead with other sessions' WAL
/// still in buffers, which standbys have not received yet, so reads would wait for nothing). With
/// <c>synchronous_commit = off</c> COMMIT returns before the flush; then the insert position is the one that covers the
/// commit, and the same query picks it.
/// </remarks>
internal static class CommitPosition
{
    public const string Sql =
        "SELECT CASE WHEN current_setting('synchronous_commit') = 'off' THEN pg_current_wal_insert_lsn() ELSE pg_current_wal_lsn() END";
}
