using System.Globalization;
using Npgsql;
using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Load;
using StatelessApp.Drills.Results;
using StatelessApp.Stack.Backups;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// Backups that restore. Under the shoppers' load: `./stack backup --full` (pgBackRest base backup, a Redis replica's
/// RDB, an etcd snapshot), orders keep coming, a time T is picked, orders keep coming; then the shop database is
/// recovered to T into a fresh cluster at the witness (`./stack restore --time T`) and checked order by order against
/// what the clients were acknowledged: every order acknowledged before T is there with its lines, every order there was
/// created before T, and the recovery point (the last commit replayed) lies within a second of T. The Redis copy and the
/// etcd snapshot are checked with their own tools. Nothing in the live stack fails, so no alert may fire.
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class RestoreDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryPointTolerance = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Point_in_time_restore_under_load_keeps_every_order_acknowledged_before_the_target()
    {
        var runner = new DrillRunner(stack, output);
        var backups = new StackBackup(stack.Controller, new TestOutputWriter(output));
        BackupOutcome? backup = null;
        DateTimeOffset target = default;
        ShopLoad? shopLoad = null;
        var result = await runner.RunAsync("backup under load, restore to a time T",
            DrillAlerts.None,
            async load =>
            {
                shopLoad = load;
                backup = await backups.RunAsync(BackupType.Full);
            },
            TimeSpan.FromSeconds(6),
            load =>
            {
                // T: a moment between two of the load's orders, on the wall clock PostgreSQL stamps commits with.
                target = load.StartedAt + load.Mark("T");
                return Task.CompletedTask;
            },
            TimeSpan.FromSeconds(6));

        var restore = new PointInTimeRestore(stack.Controller, new TestOutputWriter(output));
        var address = stack.Topology.RestoreAddress;
        try
        {
            var restored = await restore.RestoreAsync(target, address);
            var check = await CheckOrdersAsync(shopLoad!, target, restored);
            var recoveryPoint = restored.LastReplayedCommit is { } last ? target - last : (TimeSpan?)null;
            var measured = string.Create(CultureInfo.InvariantCulture,
                $"backup {backup!.PostgresTime.TotalSeconds:0.0} s (full {backup.Postgres.DatabaseBytes / 1048576.0:0} MB), Redis RDB {backup.RedisTime.TotalSeconds:0.0} s, etcd snapshot {backup.EtcdTime.TotalSeconds:0.0} s; "
                + $"restore to T {restored.Total.TotalSeconds:0.0} s (copy {restored.RestoreTime.TotalSeconds:0.0} s, recovery {restored.RecoveryTime.TotalSeconds:0.0} s); "
                + $"recovery point {(recoveryPoint is { } gap ? gap.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s before T" : "none")}; "
                + $"{check.AcknowledgedBeforeT} orders acked before T: {check.MissingBeforeT} missing, {check.LinesDiffering} with other lines; {check.AfterT} created after T present; {check.Straddling} in flight at T");
            result = result with { Measured = measured };
            output.WriteLine(DrillReport.Add(result, stack.ResultsFolder));
            stack.Report($"restore drill: {measured}");

            DrillTargets.AssertMet(result, noFailedRequests: true);
            Assert.True(check.AcknowledgedBeforeT > 0, "no order was acknowledged before T: the drill proves nothing");
            Assert.Equal(0, check.MissingBeforeT);
            Assert.Equal(0, check.LinesDiffering);
            Assert.Equal(0, check.AfterT);
            Assert.NotNull(recoveryPoint);
            Assert.True(recoveryPoint <= RecoveryPointTolerance, $"recovery point {recoveryPoint} before T, more than {RecoveryPointTolerance}");
            Assert.True(recoveryPoint >= TimeSpan.Zero, $"a transaction committed after T was replayed ({recoveryPoint})");

            await AssertRedisCopyValidAsync(backup.RedisRdb);
            await AssertEtcdSnapshotValidAsync(backup.EtcdSnapshot);
        }
        finally
        {
            await restore.DropAsync(address, quiet: true);
        }
    }

    /// <summary>Order by order: acknowledged before T (by the client's clock) must be restored with the live lines; nothing created after T may be.</summary>
    private async Task<OrderCheck> CheckOrdersAsync(ShopLoad load, DateTimeOffset target, RestoreOutcome restored)
    {
        var acknowledged = load.History.Where(r => r is { Kind: OperationKind.Checkout, OrderId: not null }).ToList();
        var before = acknowledged.Where(r => load.StartedAt + r.End < target).Select(r => r.OrderId!.Value).ToList();
        var straddling = acknowledged.Count(r => load.StartedAt + r.Start <= target && load.StartedAt + r.End >= target);

        var primary = await stack.PrimaryAsync(NodeKind.Postgres);
        var live = await LinesAsync(stack.AdminConnectionString(primary), before);
        var password = stack.Controller.Context.Secrets.PostgresSuperuserPassword;
        var back = await LinesAsync(restored.SuperuserConnectionString(password), before);

        await using var connection = new NpgsqlConnection(restored.SuperuserConnectionString(password));
        await connection.OpenAsync();
        await using var after = new NpgsqlCommand("SELECT count(*) FROM orders WHERE \"CreatedAt\" > @target", connection);
        after.Parameters.AddWithValue("target", target.UtcDateTime);
        var afterT = (long)(await after.ExecuteScalarAsync())!;

        return new OrderCheck(
            before.Count,
            before.Count(id => !back.ContainsKey(id)),
            before.Count(id => back.TryGetValue(id, out var lines) && lines != live.GetValueOrDefault(id)),
            (int)afterT,
            straddling);
    }

    /// <summary>Each order's lines as one comparable text (product, SKU, name, unit price, quantity), by order id.</summary>
    private static async Task<Dictionary<Guid, string>> LinesAsync(string connectionString, IReadOnlyList<Guid> orders)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT o."Id", string_agg(l."ProductId" || '/' || l."Sku" || '/' || l."ProductName" || '/' || l."UnitPrice" || '/' || l."Quantity", ';' ORDER BY l."ProductId")
            FROM orders o LEFT JOIN order_lines l ON l."OrderId" = o."Id"
            WHERE o."Id" = ANY(@ids) GROUP BY o."Id"
            """, connection);
        query.Parameters.AddWithValue("ids", orders.ToArray());
        var lines = new Dictionary<Guid, string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines[reader.GetGuid(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        }

        return lines;
    }

    private async Task AssertRedisCopyValidAsync(string rdb)
    {
        var check = await CommandRunner.RunAsync("redis-check-rdb", [rdb], TimeSpan.FromMinutes(1));
        output.WriteLine(check.Output);
        Assert.True(check.Succeeded && check.Output.Contains("RDB looks OK", StringComparison.Ordinal), $"redis-check-rdb {rdb}:\n{check.Output}");
    }

    private async Task AssertEtcdSnapshotValidAsync(string snapshot)
    {
        var status = await CommandRunner.RunAsync("etcdctl", ["snapshot", "status", snapshot, "--write-out=table"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ETCDCTL_API"] = "3" });
        output.WriteLine(status.Output);
        Assert.True(status.Succeeded, $"etcdctl snapshot status {snapshot}:\n{status.Output}");
        // The snapshot holds Patroni's keys: more than a handful of revisions and keys.
        var row = status.Output.Split('\n').FirstOrDefault(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.Contains("HASH", StringComparison.Ordinal));
        Assert.NotNull(row);
        var cells = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(int.Parse(cells[2], CultureInfo.InvariantCulture) > 0, $"the etcd snapshot holds no key: {row}");
    }

    private sealed record OrderCheck(int AcknowledgedBeforeT, int MissingBeforeT, int LinesDiffering, int AfterT, int Straddling);

    /// <summary>What `./stack backup` and `./stack restore` print, into the test's output.</summary>
    private sealed class TestOutputWriter(ITestOutputHelper output) : StringWriter(CultureInfo.InvariantCulture)
    {
        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
