using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack;
using StatelessApp.Stack.Distance;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/lib/failure-timeouts.sh: the failure detectors' timings derived from the distance between the sites (docs/latency.md,
/// "Timeouts at distance"), which the stack controller and the compose files both take from it.
/// </summary>
public sealed class FailureTimeoutsTests(GeneratedComposeEnv env) : IClassFixture<GeneratedComposeEnv>
{
    private const string Script = "deploy/lib/failure-timeouts.sh";

    private static readonly string[] RetryOrder = ["W", "A", "B"];

    [Fact]
    public void At_the_default_distance_etcd_keeps_its_own_defaults()
    {
        var timeouts = Derive(40, 30, 30);

        Assert.Equal("100", timeouts["ETCD_HEARTBEAT_INTERVAL"]);
        Assert.Equal("1000", timeouts["ETCD_ELECTION_TIMEOUT"]);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(80, 30, 30)]
    [InlineData(30, 100, 30)]
    [InlineData(100, 100, 100)]
    public void The_heartbeat_outlasts_the_farthest_round_trip_and_the_election_ten_heartbeats(int aToB, int aToWitness, int bToWitness)
    {
        var timeouts = Derive(aToB, aToWitness, bToWitness);
        var heartbeat = int.Parse(timeouts["ETCD_HEARTBEAT_INTERVAL"], System.Globalization.CultureInfo.InvariantCulture);
        var election = int.Parse(timeouts["ETCD_ELECTION_TIMEOUT"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(heartbeat * 2 >= Math.Max(aToB, Math.Max(aToWitness, bToWitness)) * 3, $"heartbeat {heartbeat} ms");
        Assert.True(election >= heartbeat * 10, $"election {election} ms, heartbeat {heartbeat} ms");
        // Patroni's retry_timeout (3 s, deploy/patroni/patroni.yml) must ride out an election of up to two timeouts.
        Assert.True(election * 2 <= 3000, $"election {election} ms");
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(40, 30, 30)]
    [InlineData(100, 100, 100)]
    public void Each_sites_Sentinel_retries_a_split_vote_so_far_from_the_others_that_they_never_retry_together(int aToB, int aToWitness, int bToWitness)
    {
        // A split vote is retried after 2 x the failover-timeout plus up to 1 s of Sentinel's jitter (SENTINEL_MAX_DESYNC);
        // the next retry must come later than that jitter plus a vote's round trip and a timer tick (100 ms at hz 10).
        const int Jitter = 1000, Tick = 100;
        var timeouts = Derive(aToB, aToWitness, bToWitness);
        var farthest = Math.Max(aToB, Math.Max(aToWitness, bToWitness));
        var retries = RetryOrder.Select(site => 2 * int.Parse(timeouts[$"SENTINEL_FAILOVER_TIMEOUT_{site}"], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

        Assert.Equal(6000, retries[0]); // the witness, a survivor of either region's loss, retries first: as before
        Assert.All(retries.Zip(retries.Skip(1)), pair => Assert.True(pair.Second - pair.First > Jitter + farthest + Tick, $"retries {pair.First} and {pair.Second} ms"));
    }

    [Fact]
    public void A_round_trip_beyond_what_the_timings_are_derived_for_is_refused_naming_the_key()
    {
        var error = Assert.Throws<StackException>(() => FailureTimeouts.Derive(Repository.PathOf("deploy"), Distances(40, 101, 30)));

        Assert.Contains("SITE_RTT_A_W '101' must be whole milliseconds from 0 to 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_compose_env_file_carries_what_the_script_derives_for_the_topology()
    {
        foreach (var (key, value) in FailureTimeouts.Derive(Repository.PathOf("deploy"), Repository.Topology.Distances).Variables)
        {
            Assert.Equal(value, env.Values[key]);
        }
    }

    [Fact]
    public async Task The_compose_env_generator_refuses_a_distance_the_timings_are_not_derived_for()
    {
        var environment = env.Secrets.AsEnvironment();
        environment["SITE_RTT_A_B"] = "150";
        var result = await CommandLine.BashAsync("deploy/compose/compose-env.sh", ["-o", env.Scratch("far.env")], environment);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SITE_RTT_A_B '150' must be whole milliseconds from 0 to 100", result.StandardError, StringComparison.Ordinal);
    }

    private static IReadOnlyDictionary<string, string> Derive(int aToB, int aToWitness, int bToWitness) =>
        FailureTimeouts.Derive(Repository.PathOf("deploy"), Distances(aToB, aToWitness, bToWitness)).Variables;

    private static SiteDistances Distances(int aToB, int aToWitness, int bToWitness) =>
        new(TimeSpan.FromMilliseconds(aToB), TimeSpan.FromMilliseconds(aToWitness), TimeSpan.FromMilliseconds(bToWitness));
}
