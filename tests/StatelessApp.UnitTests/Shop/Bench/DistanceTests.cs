using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class DistanceTests
{
    private static readonly MachineSnapshot Machine = new(DateTimeOffset.UnixEpoch, "0 0 0", 2, "cpu", "1 kB", "os", "kernel", "runtime", []);

    private static readonly Dictionary<string, string> Regions = new(StringComparer.Ordinal)
    {
        ["redis-a"] = "a",
        ["pg-a"] = "a",
        ["pg-b"] = "b",
    };

    private static ServerCosts Costs(long getex, long set, long ping, long insertsOnA, long selectsOnB, long probesOnB) => new(
        new Dictionary<string, long> { ["getex"] = getex, ["set"] = set, ["ping"] = ping },
        new Dictionary<string, NodeStatements>
        {
            ["pg-a"] = new("primary", new Dictionary<string, long> { ["INSERT INTO orders VALUES ($1)"] = insertsOnA, ["DISCARD ALL"] = insertsOnA }),
            ["pg-b"] = new("standby", new Dictionary<string, long> { ["SELECT * FROM products"] = selectsOnB, ["SELECT $1"] = probesOnB }),
        },
        new Dictionary<string, double>());

    private static DistanceCell Cell(string scenario, string entry, double rtt, double p50, params ServerCount[] counts) => new()
    {
        Scenario = scenario,
        Request = "GET /",
        Entry = entry,
        RoundTripMilliseconds = rtt,
        Requests = 100,
        Errors = 0,
        ServedElsewhere = 0,
        P50Milliseconds = p50,
        P99Milliseconds = p50 * 2,
        Counts = counts,
    };

    [Fact]
    public void Counts_are_the_requests_own_per_request_and_remote_when_the_server_is_in_the_other_region()
    {
        var before = Costs(getex: 10, set: 5, ping: 100, insertsOnA: 7, selectsOnB: 20, probesOnB: 50);
        var after = Costs(getex: 110, set: 205, ping: 900, insertsOnA: 407, selectsOnB: 220, probesOnB: 90);

        var counts = DistanceCounts.Of(before, after, requests: 100, "redis-a", server => Regions[server], entry: "b");

        Assert.Equal(
            [
                new ServerCount("redis-a", "a", DistanceCounts.RedisCommands, 3, Remote: true),
                new ServerCount("pg-a", "a", DistanceCounts.Statements, 4, Remote: true),
                new ServerCount("pg-b", "b", DistanceCounts.Statements, 2, Remote: false),
            ],
            counts);
    }

    [Fact]
    public void The_same_counts_are_local_for_a_client_entering_where_the_servers_are()
    {
        var before = Costs(getex: 0, set: 0, ping: 0, insertsOnA: 0, selectsOnB: 0, probesOnB: 0);
        var after = Costs(getex: 50, set: 0, ping: 7, insertsOnA: 0, selectsOnB: 0, probesOnB: 3);

        var counts = DistanceCounts.Of(before, after, requests: 50, "redis-a", server => Regions[server], entry: "a");

        Assert.Equal([new ServerCount("redis-a", "a", DistanceCounts.RedisCommands, 1, Remote: false)], counts);
    }

    [Fact]
    public void Added_p50_is_against_the_same_scenario_and_entry_at_zero_and_counted_in_round_trips()
    {
        var report = new DistanceReport("abc1234", Machine, Machine, 40, 100, 2,
        [
            Cell("cart-change", "a", 0, 5),
            Cell("cart-change", "b", 0, 6),
            Cell("cart-change", "a", 40, 7),
            Cell("cart-change", "b", 40, 126),
        ]);

        Assert.Equal(120, report.AddedP50(report.Cells[3]), precision: 9);
        Assert.Equal(3, report.AddedP50InRoundTrips(report.Cells[3]), precision: 9);
        Assert.Equal(2, report.AddedP50(report.Cells[2]), precision: 9);
        Assert.True(double.IsNaN(report.AddedP50(report.Cells[1])));
    }

    [Fact]
    public void A_distant_cell_without_its_zero_baseline_has_no_added_figure()
    {
        var report = new DistanceReport("abc1234", Machine, Machine, 40, 100, 2, [Cell("checkout", "b", 40, 300)]);

        Assert.True(double.IsNaN(report.AddedP50InRoundTrips(report.Cells[0])));
    }

    [Fact]
    public void Remote_per_request_adds_only_the_other_regions_servers()
    {
        var cell = Cell("cart-change", "b", 40, 126,
            new ServerCount("redis-a", "a", DistanceCounts.RedisCommands, 3, Remote: true),
            new ServerCount("pg-b", "b", DistanceCounts.Statements, 2, Remote: false));

        Assert.Equal(3, cell.RemotePerRequest);
    }

    [Fact]
    public void The_table_names_commit_and_machine_and_says_where_each_count_was_made()
    {
        var report = new DistanceReport("abc1234", Machine, Machine, 40, 100, 2,
        [
            Cell("cart-change", "b", 0, 6,
                new ServerCount("redis-a", "a", DistanceCounts.RedisCommands, 3, Remote: true)),
            Cell("cart-change", "b", 40, 126,
                new ServerCount("redis-a", "a", DistanceCounts.RedisCommands, 3, Remote: true),
                new ServerCount("pg-b", "b", DistanceCounts.Statements, 2, Remote: false)),
        ]);

        var table = DistanceTable.Render(report);

        Assert.Contains("commit abc1234", table, StringComparison.Ordinal);
        Assert.Contains("2 cores (cpu)", table, StringComparison.Ordinal);
        Assert.Contains("| cart-change | b | 40 ms | 126.0 | 252.0 | 120.0 | 3.00 | 3 Redis commands on redis-a (a, remote); 2 statements on pg-b (b, local) | 3 | 0 |", table, StringComparison.Ordinal);
        Assert.Contains("| cart-change | b | 0 ms | 6.0 | 12.0 | — | — |", table, StringComparison.Ordinal);
    }
}
