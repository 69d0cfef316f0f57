using System.Globalization;
using System.Text;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Bench;

/// <summary>
/// bench/run --distance: per scenario, a client entering through region A's proxy and one entering through region B's,
/// each served by its own region's instance (app-a1, app-b1), timed with a few requests at a time, with the sites 0 ms
/// apart and then the topology's round trips apart. Each distance gets a fresh stack: a connection keeps the delay its
/// first packet met (docs/latency.md), so switching a live stack would leave pools and replication links at the old one.
/// </summary>
public sealed class DistanceBenchmark(BenchSettings settings, string repositoryRoot, TextWriter output, string? logsCopy)
{
    /// <summary>Latency, not throughput: two requests in flight keep the client from queueing on two cores.</summary>
    public const int Concurrency = 2;

    public static readonly IReadOnlyList<Scenario> Scenarios = [Scenario.Floor, Scenario.Catalogue, Scenario.SessionRead, Scenario.CartChange, Scenario.Checkout];

    private const int CartLines = 3;

    /// <summary>Shoppers for the session scenarios: a multiple of <see cref="Concurrency"/>, so each belongs to one worker.</summary>
    private const int SessionShoppers = Concurrency * 16;

    private readonly ProgressReporter _progress = new(output);

    private int WarmupRequests => settings.Quick ? 10 : 20;

    public async Task<DistanceReport> RunAsync(CancellationToken cancellationToken)
    {
        var before = MachineSnapshot.Take();
        var commit = await GitCommit.DescribeAsync(repositoryRoot, cancellationToken);
        var cells = new List<DistanceCell>();
        var roundTrip = 0.0;
        foreach (var distance in new[] { false, true })
        {
            _progress.Line($"load average: {MachineSnapshot.Take().LoadAverage}; stack up {(distance ? "at the topology's distance" : "at 0 ms")} on 127.{1 + SystemUnderTest.SecondOctetOffset}-{3 + SystemUnderTest.SecondOctetOffset}.x");
            await using var target = await LoadTarget.UpAsync(output, logsCopy is null ? null : Path.Combine(logsCopy, distance ? "distance" : "0ms"),
                tls: true, benchHost: false, distance, cancellationToken);
            var stack = target.Stack;
            var rtt = distance ? stack.Topology.Distances.AToB.TotalMilliseconds : 0;
            roundTrip = Math.Max(roundTrip, rtt);
            var entries = StackTopology.DataRegions;
            var apps = entries.Select(region => StackTopology.NodeName(NodeKind.App, region)).ToList();
            await _progress.StepAsync($"{rtt:0} ms: {string.Join(" and ", apps)} started, each alone behind its region's proxy",
                () => stack.RunAppsAsync(BenchConfiguration.Distance, apps, cancellationToken));
            var cartProducts = (await target.Shoppers.ProductIdsAsync(cancellationToken)).Take(CartLines).ToList();
            var shoppers = await target.Shoppers.CreateAsync(SessionShoppers, cartProducts, cancellationToken);
            foreach (var entry in entries)
            {
                foreach (var scenario in Scenarios.Where(settings.Scenarios.Contains))
                {
                    var cell = await MeasureAsync(target, entry, scenario, rtt, shoppers, cartProducts, cancellationToken);
                    _progress.Line(string.Create(CultureInfo.InvariantCulture,
                        $"{rtt,3:0} ms entry {entry} {scenario.Name,-12} p50 {cell.P50Milliseconds,7:0.0} ms  p99 {cell.P99Milliseconds,7:0.0} ms  errors {cell.Errors}  remote {cell.RemotePerRequest:0.##}/req: {string.Join("; ", cell.Counts.Select(c => FormattableString.Invariant($"{c.PerRequest:0.##} {c.What} on {c.Server}")))}"));
                    cells.Add(cell);
                }
            }

            _progress.Line($"{rtt:0} ms measured; taking the stack down");
        }

        return new DistanceReport(commit, before, MachineSnapshot.Take(), roundTrip, settings.DistanceRequests, Concurrency, cells);
    }

    private async Task<DistanceCell> MeasureAsync(LoadTarget target, string entry, Scenario scenario, double rtt, IReadOnlyList<string> shoppers,
        IReadOnlyList<int> cartProducts, CancellationToken cancellationToken)
    {
        var stack = target.Stack;
        var count = settings.DistanceRequests;
        // Checkout places each cart once: a fresh 1-line cart per request, made through region A like the others.
        var carts = scenario == Scenario.Checkout
            ? await target.Shoppers.CreateAsync(WarmupRequests + count, cartProducts.Take(1).ToList(), cancellationToken)
            : shoppers;
        var proxy = stack.ProxyOf(entry);
        var servedBy = SystemUnderTest.ServedBy(stack.Topology.Node(StackTopology.NodeName(NodeKind.App, entry)));

        // The warm-up opens the instance's Redis and PostgreSQL connections, so no measured request pays a connect.
        await LatencyProbe.RunAsync(target.Http, i => RequestOf(scenario, proxy, carts, cartProducts, i), WarmupRequests, Concurrency, servedBy, cancellationToken);
        var redisPrimary = await stack.PrimaryAsync(NodeKind.Redis, cancellationToken);
        var costsBefore = await ServerCosts.SnapshotAsync(stack, cancellationToken);
        var run = await LatencyProbe.RunAsync(target.Http, i => RequestOf(scenario, proxy, carts, cartProducts, WarmupRequests + i), count, Concurrency, servedBy, cancellationToken);
        var costsAfter = await ServerCosts.SnapshotAsync(stack, cancellationToken);
        return new DistanceCell
        {
            Scenario = scenario.Name,
            Request = scenario.Request,
            Entry = entry,
            RoundTripMilliseconds = rtt,
            Requests = count,
            Errors = run.Errors,
            ServedElsewhere = run.ServedElsewhere,
            P50Milliseconds = run.P50,
            P99Milliseconds = run.P99,
            Counts = DistanceCounts.Of(costsBefore, costsAfter, count, redisPrimary.Name, server => stack.Topology.Node(server).Region, entry),
        };
    }

    /// <summary>The scenario's request as bench/wrk/shop.lua sends it, with the cookies of shopper <paramref name="index"/> (modulo the pool).</summary>
    private static HttpRequestMessage RequestOf(Scenario scenario, Uri proxy, IReadOnlyList<string> shoppers, IReadOnlyList<int> cartProducts, int index)
    {
        var (method, path, body) = scenario.Name switch
        {
            "floor" => (HttpMethod.Get, "/health/live", null),
            "catalogue" => (HttpMethod.Get, "/api/products", null),
            "session-read" => (HttpMethod.Get, "/api/cart", null),
            // Adds to a line every pool cart already holds: the cart never grows a line.
            "cart-change" => (HttpMethod.Post, "/api/cart/items", string.Create(CultureInfo.InvariantCulture, $$"""{"productId":{{cartProducts[index % cartProducts.Count]}},"quantity":1}""")),
            "checkout" => (HttpMethod.Post, "/api/checkout", "{}"),
            _ => throw new ArgumentException($"no distance request for {scenario.Name}", nameof(scenario)),
        };
        var message = new HttpRequestMessage(method, new Uri(proxy, path));
        message.Headers.Add("Cookie", shoppers[index % shoppers.Count]);
        message.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return message;
    }
}
