using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using StatelessApp.ComposeTests.Fixtures;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Dns;
using StatelessApp.TestKit.Http;
using StatelessApp.TestKit.Ordering;
using StatelessApp.TestKit.Shop;
using Xunit.Abstractions;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.ComposeTests;

/// <summary>
/// What the local stack tests prove, proved on the containers: the shop through both proxies and the DNS name, one
/// session and one set of cookies in both regions, an app container lost under load, region A's containers lost.
/// </summary>
[Collection(ComposeTestGroup.Name)]
[TestCaseOrderer(RegionLossLast.TypeName, RegionLossLast.AssemblyName)]
public sealed class ComposeStackTests(ComposeStackFixture stack, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FailoverBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);
    private bool _failed = true;

    [Fact]
    public async Task The_DNS_name_answers_with_both_regions_proxies()
    {
        await DnsAnswers.AssertBothProxiesAsync(stack.Topology);
        _failed = false;
    }

    [Fact]
    public async Task A_cart_written_through_region_A_is_read_through_region_B()
    {
        using var shopper = stack.NewShopper();
        await CrossRegionJourneys.CartStartedInAContinuesInBAsync(shopper);
        _failed = false;
    }

    [Fact]
    public async Task A_form_rendered_through_region_A_posts_through_region_B()
    {
        using var shopper = stack.NewShopper();
        await CrossRegionJourneys.FormRenderedInAPostsInBAsync(shopper);
        _failed = false;
    }

    [Fact]
    public async Task An_order_placed_through_region_B_reads_back_through_region_A()
    {
        using var shopper = stack.NewShopper();
        await CrossRegionJourneys.OrderPlacedInBReadsBackInAAsync(shopper);
        _failed = false;
    }

    [Fact]
    public async Task Killing_an_app_container_under_load_costs_no_request()
    {
        var victim = (await stack.ContainersAsync("a")).Single(c => c.Service == stack.Topology.NodesOf(NodeKind.App).First(n => n.Region == "a").Name);
        using var shopper = stack.NewShopper();
        try
        {
            // A quarter of the way in, SIGKILL one of the two containers region A's proxy prefers.
            var load = await InstanceLossLoad.RunAsync(shopper.A, requests: 1200, concurrency: 6, () => DockerEngine.KillAsync([victim]));
            output.WriteLine($"served by: {string.Join(", ", load.ServedBy.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"))}");

            Assert.True(load.Killed, "the victim was killed");
            Assert.True(load.Failures.Count == 0, load.FailureSummary);
            Assert.Equal(1200, load.Done);
            Assert.True(load.ServedBy.ContainsKey($"a/app-{stack.Topology.Node(victim.Service).Ordinal}"), "the victim served requests before it died");
            _failed = false;
        }
        finally
        {
            await DockerEngine.RunAsync(TimeSpan.FromMinutes(1), "start", victim.Id);
            await stack.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    [KillsARegion]
    public async Task Losing_region_As_containers_loses_no_acknowledged_order()
    {
        var acknowledged = new ConcurrentBag<(RegionClients Shopper, PlacedOrder Order, long Started, long Acknowledged)>();
        var notAcknowledged = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        long killedAt = 0;

        // Shoppers place orders through region B while region A dies: every 201 is an order the shop promised to keep.
        async Task OrdersAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var shopper = stack.NewShopper();
                var started = Stopwatch.GetTimestamp();
                var (order, refusal) = await TryPlaceOrderAsync(shopper.B);
                if (order is null)
                {
                    notAcknowledged.AddOrUpdate(refusal, 1, (_, count) => count + 1);
                    shopper.Dispose();
                    // A shopper refused tries again a moment later: without the pause three workers opened a new TLS
                    // connection for every "no server" answer (up to 90 a second), which starved the 2-core machine.
                    await Task.Delay(RetryPause, CancellationToken.None);
                    continue;
                }

                acknowledged.Add((shopper, order.Value, started, Stopwatch.GetTimestamp()));
            }
        }

        var workers = Enumerable.Range(0, 3).Select(_ => Task.Run(OrdersAsync)).ToList();
        try
        {
            await Poll.UntilAsync("orders acknowledged before the loss", _ => Task.FromResult(acknowledged.Count >= 6), FailoverBound);
            var region = await stack.ContainersAsync("a");
            killedAt = Stopwatch.GetTimestamp();
            await DockerEngine.KillAsync(region);
            output.WriteLine($"killed region A's {region.Count} containers: {string.Join(", ", region.Select(c => c.Service).Order(StringComparer.Ordinal))}");

            // Writable again: orders started after the kill acknowledged (an order under way at the kill proves nothing).
            await Poll.UntilAsync("orders started after region A's loss acknowledged",
                _ => Task.FromResult(acknowledged.Count(o => o.Started > killedAt) >= 6), FailoverBound, interval: TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var startedAfter = acknowledged.Where(o => o.Started > killedAt).ToList();
        output.WriteLine($"{acknowledged.Count} orders acknowledged ({startedAfter.Count} started after the loss); attempts not acknowledged: " +
            $"{Tally(notAcknowledged)}; the first order started after the kill was acknowledged " +
            $"{Stopwatch.GetElapsedTime(killedAt, startedAfter.Min(o => o.Acknowledged)).TotalSeconds:0.0} s after it");

        // Each order read back until the shop answers for certain (200 or 404): a 429 or 503 says nothing about the order.
        var readBacks = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var lost = new List<string>();
        foreach (var (shopper, order, _, _) in acknowledged)
        {
            var answer = await ReadBackAsync(shopper.B, order.Id);
            readBacks.AddOrUpdate(answer.Status, 1, (_, count) => count + 1);
            if (answer.Total != order.Total)
            {
                lost.Add($"{order.Id}: {answer.Status}, total {answer.Total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} (acknowledged {order.Total})");
            }

            shopper.Dispose();
        }

        output.WriteLine($"read back through region B: {Tally(readBacks)}");
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged orders not read back as placed: {string.Join("; ", lost)}");
        _failed = false;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _failed ? stack.SaveLogsAsync(DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)) : Task.CompletedTask;

    /// <summary>Adds the first product to the shopper's cart and checks out: the order, or why there is none ("checkout 503").</summary>
    private static async Task<(PlacedOrder? Order, string Refusal)> TryPlaceOrderAsync(HttpClient client)
    {
        try
        {
            var productId = await FirstProductIdAsync(client);
            using var added = await client.PostAsJsonAsync("api/cart/items", new { productId, quantity = 1 });
            if (!added.IsSuccessStatusCode)
            {
                return (null, $"add {(int)added.StatusCode}");
            }

            using var placed = await client.PostAsJsonAsync("api/checkout", new { });
            if (placed.StatusCode != HttpStatusCode.Created)
            {
                return (null, $"checkout {(int)placed.StatusCode}");
            }

            var order = await ReadJsonAsync(placed);
            return (new PlacedOrder(order.GetProperty("id").GetGuid(), order.GetProperty("total").GetDecimal()), "");
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status)
        {
            return (null, $"products {(int)status}"); // FirstProductIdAsync's refusal: only it checks the status by throwing
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, e.GetType().Name);
        }
    }

    /// <summary>GET /api/orders/{id} until a definite answer: the status, and the order's total when it is there.</summary>
    private static async Task<(string Status, decimal? Total)> ReadBackAsync(HttpClient client, Guid id)
    {
        var answer = await Poll.UntilAsync($"a definite answer to GET /api/orders/{id}",
            async cancellationToken =>
            {
                using var response = await client.GetAsync($"api/orders/{id}", cancellationToken);
                decimal? total = response.StatusCode == HttpStatusCode.OK ? (await ReadJsonAsync(response)).GetProperty("total").GetDecimal() : null;
                return (Status: (int)response.StatusCode, Total: total);
            },
            answer => answer.Status is (int)HttpStatusCode.OK or (int)HttpStatusCode.NotFound,
            FailoverBound,
            retryOn: e => e is HttpRequestException or TaskCanceledException,
            interval: TimeSpan.FromMilliseconds(200));
        return (answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Total);
    }

    private static string Tally(ConcurrentDictionary<string, int> counts) => counts.IsEmpty
        ? "none"
        : string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} × {kv.Value}"));

    private readonly record struct PlacedOrder(Guid Id, decimal Total);
}
