using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/local/site-delay: the distance between the sites of the local stack (docs/latency.md, "How distance is made").
/// The real check runs the delayer and its rules in a network namespace and cgroups of its own (measure.sh --check):
/// nothing outside them is touched.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class SiteDelayTests
{
    private const string Folder = "deploy/local/site-delay";

    [Fact]
    public async Task The_rules_use_one_queue_per_distinct_round_trip_each_holding_half_of_it()
    {
        var result = await CommandLine.BashAsync($"{Folder}/site-delay-rules.sh", ["queues", "--rtt", "a-b=40", "--rtt", "w-a=30", "--rtt", "b-w=30", "--queue-base", "100"]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("--queue 100:15000 --queue 101:20000", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task The_round_trips_default_to_the_topology()
    {
        var topology = Repository.Topology.Distances;
        var result = await CommandLine.BashAsync($"{Folder}/site-delay-rules.sh", ["queues"]);

        Assert.True(result.Succeeded, result.ToString());
        var oneWay = new[] { topology.AToB, topology.AToWitness, topology.BToWitness }
            .Select(rtt => (long)rtt.TotalMicroseconds / 2).Distinct().Order().ToList();
        Assert.Equal(string.Join(' ', oneWay.Select((us, i) => $"--queue {4000 + i}:{us}")), result.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_round_trip_to_the_same_site_is_refused()
    {
        var result = await CommandLine.BashAsync($"{Folder}/site-delay-rules.sh", ["queues", "--rtt", "a-a=5"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--rtt 'a-a=5' is not SITE-SITE=MS between two different sites", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// The delay is real: between two sites a TCP round trip takes the configured 40 ms more, a stream from a server
    /// is delayed its one way, within a site and from no site nothing is added; the rules script is idempotent and removes
    /// only its own rules. Needs root (network namespace, cgroups), as the drills do.
    /// </summary>
    [Fact]
    public async Task Packets_between_two_sites_are_held_for_the_distance_and_no_others()
    {
        var result = await CommandLine.BashAsync($"{Folder}/measure.sh", ["--check"], timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("site-delay check passed", result.StandardOutput, StringComparison.Ordinal);
    }
}
