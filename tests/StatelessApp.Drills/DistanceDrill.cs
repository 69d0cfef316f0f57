using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Results;
using StatelessApp.Stack.Topology;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// The failure detectors' timeouts must not mistake distance for death: five minutes of the drills' normal load with
/// the sites at the topology's round trips, and no fault, must leave every primary where it was, fire no alert and fail
/// no request (docs/latency.md, "Timeouts at distance").
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class DistanceDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private static readonly TimeSpan Observed = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Five_minutes_of_load_at_distance_cause_no_failover()
    {
        Assert.False(stack.Topology.Distances.IsZero, "the topology puts no distance between the sites: this drill would prove nothing");
        Assert.True(stack.Controller.SiteDelay?.IsRunning, "the drill stack runs without its site delay: " + stack.Controller.DistanceSummary());

        Node? postgres = null, redis = null;
        var result = await new DrillRunner(stack, output).RunAsync(
            $"five minutes of load at distance ({stack.Controller.DistanceSummary()})",
            DrillAlerts.None,
            async _ =>
            {
                postgres = await stack.PrimaryAsync(NodeKind.Postgres);
                redis = await stack.PrimaryAsync(NodeKind.Redis);
            },
            Observed,
            heal: async _ =>
            {
                Assert.Equal(postgres, await stack.PrimaryAsync(NodeKind.Postgres));
                Assert.Equal(redis, await stack.PrimaryAsync(NodeKind.Redis));
            });

        DrillTargets.AssertMet(result, noFailedRequests: true);
    }
}
