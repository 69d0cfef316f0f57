using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.StackTests.Shop;

/// <summary>An app instance dies under load: the proxy retries elsewhere and no client sees an error.</summary>
[Collection(StackTestGroup.Name)]
public class InstanceLossTests(StackFixture stack)
{
    private const int Requests = 2000;
    private const int Concurrency = 8;

    [Fact]
    public async Task Killing_an_app_instance_under_load_costs_no_request()
    {
        var victim = stack.Topology.NodesOf(NodeKind.App).First(n => n.Region == "a");
        using var shopper = stack.NewShopper();
        try
        {
            // A quarter of the way in, kill one of the two instances the proxy prefers.
            var load = await InstanceLossLoad.RunAsync(shopper.A, Requests, Concurrency, () =>
            {
                Assert.Single(stack.Controller.Kill(victim.Name));
                return Task.CompletedTask;
            });

            Assert.True(load.Killed, "the victim was killed");
            Assert.True(load.Failures.Count == 0, load.FailureSummary);
            Assert.Equal(Requests, load.Done);
            Assert.True(load.ServedBy.ContainsKey($"a/app-{victim.Ordinal}"), "the victim served requests before it died");
        }
        finally
        {
            await stack.Controller.StartAsync(victim.Name);
        }
    }
}
