using System.Collections.Concurrent;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;

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
        var failures = new ConcurrentBag<string>();
        var servedBy = new ConcurrentDictionary<string, int>();
        var done = 0;
        var next = -1;
        var killed = new TaskCompletionSource();

        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) < Requests)
            {
                try
                {
                    using var response = await shopper.A.GetAsync("api/products");
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (response.Headers.TryGetValues("X-Served-By", out var served))
                    {
                        servedBy.AddOrUpdate(served.Single(), 1, (_, n) => n + 1);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(e.Message);
                }

                // A quarter of the way in, kill one of the two instances the proxy prefers.
                if (Interlocked.Increment(ref done) == Requests / 4)
                {
                    Assert.Single(stack.Controller.Kill(victim.Name));
                    killed.SetResult();
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WorkerAsync)));
            await killed.Task;

            Assert.Empty(failures);
            Assert.Equal(Requests, done);
            Assert.True(servedBy.ContainsKey($"a/app-{victim.Ordinal}"), "the victim served requests before it died");
        }
        finally
        {
            await stack.Controller.StartAsync(victim.Name);
        }
    }
}
