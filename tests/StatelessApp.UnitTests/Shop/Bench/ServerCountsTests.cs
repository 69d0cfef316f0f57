using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class ServerCountsTests
{
    [Fact]
    public void Commandstats_lines_become_calls_per_command()
    {
        const string info = "# Commandstats\r\ncmdstat_getex:calls=12,usec=40,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_client|setname:calls=2,usec=1,usec_per_call=0.5,rejected_calls=0,failed_calls=0\r\n";

        var calls = RedisCommandCounter.Parse(info);

        Assert.Equal(12, calls["getex"]);
        Assert.Equal(2, calls["client|setname"]);
    }

    [Fact]
    public void The_delta_keeps_only_commands_that_ran()
    {
        var delta = RedisCommandCounter.Delta(
            new Dictionary<string, long> { ["getex"] = 10, ["ping"] = 5 },
            new Dictionary<string, long> { ["getex"] = 25, ["ping"] = 5, ["setex"] = 3 });

        Assert.Equal(new Dictionary<string, long> { ["getex"] = 15, ["setex"] = 3 }, delta);
    }

    [Theory]
    [InlineData("ping", true)]
    [InlineData("info", true)]
    [InlineData("client|setname", true)]
    [InlineData("getex", false)]
    [InlineData("hmget", false)]
    [InlineData("unlink", false)]
    public void Commands_the_servers_send_on_their_own_are_background(string command, bool background) =>
        Assert.Equal(background, RedisCommandCounter.IsBackground(command));

    [Theory]
    [InlineData("SELECT $1", StatementKind.Background)]
    [InlineData("select pg_is_in_recovery()", StatementKind.Background)]
    [InlineData("SHOW default_transaction_read_only", StatementKind.Background)]
    [InlineData("DISCARD ALL", StatementKind.PoolReset)]
    [InlineData("SELECT p.\"Id\" FROM products AS p", StatementKind.Request)]
    [InlineData("COMMIT", StatementKind.Request)]
    public void Statements_are_sorted_into_request_pool_reset_and_background(string statement, StatementKind kind) =>
        Assert.Equal(kind, PostgresStatementCounter.KindOf(statement));

    [Fact]
    public void Costs_are_attributed_per_request_and_by_node_role()
    {
        var before = new ServerCosts(
            new Dictionary<string, long> { ["getex"] = 100, ["ping"] = 7 },
            new Dictionary<string, NodeStatements>
            {
                ["pg-a"] = new("primary", new Dictionary<string, long> { ["SELECT $1"] = 50 }),
                ["pg-b"] = new("standby", new Dictionary<string, long> { ["SELECT products"] = 10, ["DISCARD ALL"] = 10 }),
            },
            new Dictionary<string, double> { ["app"] = 10.0, ["redis"] = 3.0, ["haproxy"] = 1.0 });
        var after = new ServerCosts(
            new Dictionary<string, long> { ["getex"] = 300, ["ping"] = 27 },
            new Dictionary<string, NodeStatements>
            {
                ["pg-a"] = new("primary", new Dictionary<string, long> { ["SELECT $1"] = 70, ["SELECT products"] = 2 }),
                ["pg-b"] = new("standby", new Dictionary<string, long> { ["SELECT products"] = 208, ["DISCARD ALL"] = 210 }),
            },
            // A process read on one side only (not found on the other) is left out rather than charged with its whole life.
            new Dictionary<string, double> { ["app"] = 10.4, ["redis"] = 3.1, ["postgres standby"] = 7.0 });

        var measurement = before.Attribute(after, MeasurementFixtures.Measured(requests: 200));

        Assert.Equal(1.0, measurement.RedisCommandsPerRequest);
        Assert.Equal(new Dictionary<string, long> { ["ping"] = 20 }, measurement.RedisBackgroundCommands);
        Assert.Equal(0.01, measurement.PrimaryStatementsPerRequest, 6);
        Assert.Equal(0.99, measurement.StandbyStatementsPerRequest, 6);
        Assert.Equal(1.0, measurement.PoolResetsPerRequest, 6);
        Assert.Equal(0.99, measurement.StandbyShare, 6);
        Assert.Equal(["app", "redis"], measurement.CpuMillisecondsPerRequest.Keys.Order());
        Assert.Equal(2.0, measurement.CpuMillisecondsPerRequest["app"], 6);
        Assert.Equal(2.5, measurement.ServerCpuMillisecondsPerRequest, 6);
    }
}
