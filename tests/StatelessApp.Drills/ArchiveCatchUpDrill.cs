using System.Diagnostics;
using System.Globalization;
using Npgsql;
using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Results;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Polling;
using StatelessApp.TestKit.Prometheus;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// A standby away for longer than the primary keeps WAL for it comes back by itself from the WAL archive
/// (restore_command, deploy/patroni), not by a `patronictl reinit`. "Too far behind" is made cheap: the drill lowers
/// wal_keep_size through Patroni's dynamic configuration, waits until Patroni has dropped the stopped standby's
/// replication slot, and switches WAL segments until the one the standby needs next is gone from the primary's pg_wal.
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class ArchiveCatchUpDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private const string DrillWalKeepSize = "16MB";
    private const string WalKeepSize = "256MB"; // deploy/patroni/patroni.yml's
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Only the standby stops (seconds, past TargetDown's 5 s): its scrapes may fail and its lag may show.</summary>
    private static readonly DrillAlerts StandbyAway = DrillAlerts.None
        .AndMaybe(Down("postgres"), Down("patroni"), new AlertExpectation("PostgresReplicationLagHigh"));

    private readonly DrillRunner _runner = new(stack, output);

    private static AlertExpectation Down(string job) => new("TargetDown", "job", job);

    [Fact]
    public async Task Standby_too_far_behind_comes_back_from_the_archive()
    {
        await stack.RestoreAsync();
        var primary = await stack.PrimaryAsync(NodeKind.Postgres);
        var standby = stack.Topology.NodesOf(NodeKind.Postgres).Single(n => n != primary);
        Assert.False(string.IsNullOrEmpty(await ScalarAsync<string>(standby, "SHOW restore_command")),
            "the standby has no restore_command (deploy/patroni, recovery_conf): a standby too far behind could not come back from the archive");
        var log = stack.Controller.Paths.LogOf(standby.Name);
        var logOffset = File.Exists(log) ? new FileInfo(log).Length : 0;
        string? lostSegment = null;
        var caughtUp = TimeSpan.Zero;
        try
        {
            var result = await _runner.RunAsync("standby too far behind, back from the WAL archive", StandbyAway,
                async _ =>
                {
                    stack.Controller.Kill(standby.Name);
                    lostSegment = await ScalarAsync<string>(primary, "SELECT pg_walfile_name(pg_current_wal_lsn())");
                    await PatroniDynamicConfig.PatchAsync(stack.Controller.Context, primary, WalKeepSizeJson(DrillWalKeepSize));
                    // Patroni keeps the member's slot (which holds its WAL) until the member's key expires in etcd.
                    await Poll.UntilAsync("Patroni to drop the stopped standby's replication slot", _ => ScalarAsync<long>(primary, "SELECT count(*) FROM pg_replication_slots"),
                        slots => slots == 0, Bound, interval: TimeSpan.FromMilliseconds(500));
                    await Poll.UntilAsync($"segment {lostSegment} removed from the primary's pg_wal", _ => SegmentKeptAsync(primary, lostSegment),
                        kept => !kept, Bound, interval: TimeSpan.FromMilliseconds(500));
                },
                TimeSpan.FromSeconds(1),
                async _ =>
                {
                    var watch = Stopwatch.StartNew();
                    await stack.Controller.StartAsync(standby.Name);
                    await stack.Controller.WaitForReplicationAsync(NodeKind.Postgres);
                    caughtUp = watch.Elapsed;
                },
                TimeSpan.FromSeconds(3),
                notes: $"fault = standby killed, wal_keep_size {DrillWalKeepSize}, its slot dropped, WAL switched until its next segment left the primary; heal = standby started");

            var restored = RestoredFromArchive(log, logOffset);
            output.WriteLine($"segments the standby restored from the archive: {string.Join(", ", restored)}");
            Assert.Contains(restored, segment => string.CompareOrdinal(segment, lostSegment) >= 0);
            result = result with
            {
                Notes = result.Notes + string.Create(CultureInfo.InvariantCulture,
                    $"; segment {lostSegment} gone from the primary, {restored.Count} segments restored from the archive, streaming {caughtUp.TotalSeconds:0.0} s after the start"),
            };
            output.WriteLine(DrillReport.Add(result, stack.ResultsFolder));
            stack.Report($"archive catch-up: {result.Notes}");
            DrillTargets.AssertMet(result, noFailedRequests: true);
        }
        finally
        {
            await PatroniDynamicConfig.PatchAsync(stack.Controller.Context, primary, WalKeepSizeJson(WalKeepSize));
        }
    }

    private static string WalKeepSizeJson(string size) => "{\"postgresql\": {\"parameters\": {\"wal_keep_size\": \"" + size + "\"}}}";

    /// <summary>
    /// Whether <paramref name="segment"/> is still in the primary's pg_wal; if so, writes a row, switches to a new segment and
    /// checkpoints, which removes (recycles) the segments older than the checkpoint, wal_keep_size and the archiver allow.
    /// </summary>
    private async Task<bool> SegmentKeptAsync(Node primary, string segment)
    {
        if (await ScalarAsync<long>(primary, $"SELECT count(*) FROM pg_ls_waldir() WHERE name = '{segment}'") == 0)
        {
            return false;
        }

        await using var connection = new NpgsqlConnection(stack.AdminConnectionString(primary) + ";Command Timeout=20");
        await connection.OpenAsync();
        foreach (var sql in new[] { "INSERT INTO drill_probe (node) VALUES ('archive-drill')", "SELECT pg_switch_wal()", "CHECKPOINT" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        return true;
    }

    /// <summary>The WAL segments the node's log says it restored from the archive since <paramref name="offset"/>.</summary>
    private static List<string> RestoredFromArchive(string log, long offset)
    {
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return [.. System.Text.RegularExpressions.Regex.Matches(text, "restored log file \"(?<segment>[0-9A-F]{24})\" from archive")
            .Select(m => m.Groups["segment"].Value).Distinct()];
    }

    private async Task<T> ScalarAsync<T>(Node node, string sql)
    {
        await using var connection = new NpgsqlConnection(stack.AdminConnectionString(node) + ";Timeout=5;Command Timeout=10");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
