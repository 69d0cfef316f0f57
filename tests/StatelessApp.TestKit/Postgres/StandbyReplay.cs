using Npgsql;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Postgres;

/// <summary>Waiting for a standby to replay what its primary had written: the one way the tests and the drills do it.</summary>
public static class StandbyReplay
{
    /// <summary>
    /// Waits until the standby behind <paramref name="standby"/> has replayed everything the primary behind
    /// <paramref name="primary"/> had written when this was called; a timeout reports how far it got.
    /// </summary>
    public static async Task WaitUntilCaughtUpAsync(NpgsqlConnection primary, NpgsqlConnection standby, string standbyName, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(standby);
        // The insert position, not the write position: it already covers commits still in the WAL buffers.
        string written;
        await using (var insert = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", primary))
        {
            written = (string)(await insert.ExecuteScalarAsync())!;
        }

        // Observed: "caught up", or the position replayed so far (what a timeout reports).
        await Poll.UntilAsync($"{standbyName} to replay up to {written}", async ct =>
        {
            await using var replayed = new NpgsqlCommand(
                $"SELECT CASE WHEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{written}') >= 0 THEN 'caught up' " +
                "ELSE coalesce(pg_last_wal_replay_lsn()::text, 'nothing replayed') END", standby);
            return (string)(await replayed.ExecuteScalarAsync(ct))!;
        }, replayed => replayed == "caught up", timeout);
    }
}
