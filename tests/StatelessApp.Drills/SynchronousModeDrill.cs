using System.Diagnostics;
using System.Globalization;
using Npgsql;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Polling;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// Patroni's <c>synchronous_mode</c> measured on the running stack: the commit latency with it off (the default) and on,
/// and what losing the standby does to writes while it is on. Writes .stack/drills/synchronous-mode.md.
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class SynchronousModeDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private const int Commits = 300;
    private static readonly TimeSpan BlockedLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Synchronous_mode_cost_and_standby_loss()
    {
        await stack.RestoreAsync();
        var primary = await stack.PrimaryAsync(NodeKind.Postgres);
        var standby = stack.Topology.NodesOf(NodeKind.Postgres).Single(n => n != primary);
        try
        {
            var asynchronous = await MedianCommitAsync(primary);
            await SetSynchronousModeAsync(primary, true);
            await Poll.UntilAsync("Patroni to name a synchronous standby", _ => SynchronousStandbyAsync(primary), name => name is not null,
                TimeSpan.FromSeconds(30), interval: TimeSpan.FromMilliseconds(200));
            var synchronous = await MedianCommitAsync(primary);
            Assert.NotNull(await SynchronousStandbyAsync(primary));

            // The standby's region dies: commits wait for a confirmation that cannot come until Patroni drops the standby
            // from synchronous_standby_names (non-strict synchronous_mode), after its member key expires.
            stack.Controller.Kill(standby.Name);
            // Npgsql cancels the statement at the command timeout; PostgreSQL then stops waiting for the standby and keeps
            // the commit locally, with a warning. A commit that returns at the timeout was blocked all along.
            var watch = Stopwatch.StartNew();
            await using (var connection = new NpgsqlConnection(Superuser(primary, BlockedLimit)))
            {
                await connection.OpenAsync();
                await using var insert = new NpgsqlCommand("INSERT INTO drill_probe (node) VALUES ('sync-blocked')", connection);
                await insert.ExecuteNonQueryAsync();
            }

            var blocked = watch.Elapsed;
            var (names, streaming) = await SynchronousStateAsync(primary);
            var verdict = blocked >= BlockedLimit - TimeSpan.FromSeconds(1)
                ? $"was still waiting after {BlockedLimit.TotalSeconds:0} s, when the client cancelled it (PostgreSQL then keeps the commit locally, with a warning)"
                : $"returned after {blocked.TotalSeconds:0.0} s";
            var report = string.Create(CultureInfo.InvariantCulture,
                $"""
                Patroni synchronous_mode, measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores): median of {Commits} single-row commits on the primary
                | synchronous_mode | median commit (ms) |
                |---|---|
                | off (default) | {asynchronous:0.00} |
                | on | {synchronous:0.00} |

                With synchronous_mode on, a commit issued right after the standby was killed {verdict}. Afterwards synchronous_standby_names was '{names}' with {streaming} standby streaming: every write waits until Patroni drops the dead standby from the synchronous set (non-strict mode; strict mode waits until it returns).
                """);
            output.WriteLine(report);
            Directory.CreateDirectory(stack.ResultsFolder);
            await File.WriteAllTextAsync(Path.Combine(stack.ResultsFolder, "synchronous-mode.md"), report);
            // The figures are measurements; what must hold is that the standby was synchronous while they were taken, and that
            // the blocked commit is kept on the primary (PostgreSQL does not undo a commit whose wait was cancelled).
            Assert.Equal(1L, await CountAsync(primary, "SELECT count(*) FROM drill_probe WHERE node = 'sync-blocked'"));
        }
        finally
        {
            await SetSynchronousModeAsync(primary, false);
            await stack.RestoreAsync();
        }
    }

    private async Task<double> MedianCommitAsync(Node primary)
    {
        await using var connection = new NpgsqlConnection(Superuser(primary));
        await connection.OpenAsync();
        var timings = new List<double>(Commits);
        for (var i = 0; i < Commits; i++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO drill_probe (node) VALUES ('commit-latency')", connection);
            var watch = Stopwatch.StartNew();
            await insert.ExecuteNonQueryAsync();
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        return timings[Commits / 2];
    }

    private async Task<(string Names, long Streaming)> SynchronousStateAsync(Node primary)
    {
        await using var connection = new NpgsqlConnection(Superuser(primary));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT current_setting('synchronous_standby_names'), (SELECT count(*) FROM pg_stat_replication)", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private async Task<long> CountAsync(Node node, string sql)
    {
        await using var connection = new NpgsqlConnection(Superuser(node));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    private async Task<string?> SynchronousStandbyAsync(Node primary)
    {
        await using var connection = new NpgsqlConnection(Superuser(primary));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT application_name FROM pg_stat_replication WHERE sync_state = 'sync'", connection);
        return (string?)await query.ExecuteScalarAsync();
    }

    /// <summary>
    /// The superuser on <paramref name="node"/>, patiently: this drill measures, it does not probe (the fixture's 1 s
    /// connect timeout is for probes), and the drill before it can leave the machine busy (a 1 s connect timed out in CI).
    /// </summary>
    private string Superuser(Node node, TimeSpan? commandTimeout = null) => new NpgsqlConnectionStringBuilder(stack.AdminConnectionString(node))
    {
        Timeout = 15,
        CommandTimeout = (int)(commandTimeout ?? TimeSpan.FromSeconds(15)).TotalSeconds,
    }.ConnectionString;

    /// <summary>Patroni's dynamic configuration (in etcd) through its REST API: every node applies it.</summary>
    private Task SetSynchronousModeAsync(Node anyNode, bool on) =>
        PatroniDynamicConfig.PatchAsync(stack.Controller.Context, anyNode, $$"""{"synchronous_mode": {{(on ? "true" : "false")}}}""");
}
