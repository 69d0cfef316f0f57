using Npgsql;
using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Faults;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Monitoring;
using StatelessApp.Drills.Results;
using StatelessApp.Stack.Operations;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Prometheus;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// `./stack rotate secrets` under load: the app's Redis user and PostgreSQL role get new passwords while the instances
/// roll onto them one at a time (<see cref="SecretRotation"/>). No request may fail, and afterwards the old passwords
/// are refused by every Redis node, every Sentinel and PostgreSQL.
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class SecretRotationDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private readonly DrillRunner _runner = new(stack, output);

    /// <summary>What PostgreSQL logs when an instance not rolled yet opens a connection with the old password.</summary>
    private const string OldPasswordRefused = "password authentication failed for user \"shop\"";

    [Fact]
    public async Task Rotate_secrets_under_load()
    {
        SecretRotation.Rotated? rotated = null;
        var refusedBefore = NodeLogs.CountSoFar(stack, NodeKind.Postgres, OldPasswordRefused);
        // A rolling restart takes each instance out of its proxy before it stops (no request fails), but Prometheus scrapes
        // each instance directly: one that takes longer than 5 evaluations to restart may fire TargetDown (as in the upgrade drill).
        var result = await _runner.RunAsync("rotate secrets under load",
            DrillAlerts.None.AndMaybe(new AlertExpectation("TargetDown", "job", "app"), new AlertExpectation("AppErrorRateHigh")),
            async _ => rotated = await stack.Controller.RotateSecretsAsync(), TimeSpan.FromSeconds(2),
            notes: "fault = `./stack rotate secrets` (Redis user app, PostgreSQL role shop; the apps rolled one at a time)");
        // The role has one password. The instances read it from a file that the rotation rewrites right after ALTER ROLE
        // (Database:PasswordFile), so only a connection opened between the two is refused, and the request that needed it
        // answered 5xx (docs/operations.md). Only then may AppErrorRateHigh fire.
        var refusals = NodeLogs.CountSince(stack, NodeKind.Postgres, OldPasswordRefused, refusedBefore);
        var refusedDuringRoll = refusals > 0;
        output.WriteLine($"PostgreSQL refused the old password during the rotation: {refusals} time(s)");
        Assert.NotNull(rotated);
        output.WriteLine(DrillReport.Add(result with { Notes = result.Notes + $"; rotation took {rotated.Total.TotalSeconds:0.0} s" }, stack.ResultsFolder));
        DrillTargets.AssertMet(result, noFailedRequests: true);
        Assert.True(refusedDuringRoll || !result.AlertsFired.Any(alert => alert.StartsWith("AppErrorRateHigh", StringComparison.Ordinal)),
            "AppErrorRateHigh fired though PostgreSQL refused no connection the old password");

        var context = stack.Controller.Context;
        foreach (var node in stack.Topology.NodesOf(NodeKind.Redis).Concat(stack.Topology.NodesOf(NodeKind.Sentinel)))
        {
            Assert.StartsWith("-WRONGPASS", await RespProbe.AuthAnswerAsync(context, node, RedisUsers.App, rotated.OldRedisAppPassword));
            Assert.Equal("+OK", await RespProbe.AuthAnswerAsync(context, node, RedisUsers.App, context.Secrets.RedisAppPassword));
        }

        var postgres = stack.Topology.NodesOf(NodeKind.Postgres);
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(context.PostgresConnectionString(postgres, "shop", rotated.OldShopDbPassword) + ";Pooling=false");
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        await using var accepted = new NpgsqlConnection(context.ShopConnectionString + ";Pooling=false");
        await accepted.OpenAsync();
    }
}
