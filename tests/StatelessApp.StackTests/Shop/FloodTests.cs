using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Load;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Shop;
using StatelessApp.TestKit.Stacks;
using StatelessApp.TestKit.Statistics;
using Xunit.Abstractions;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// Hostile loads from one client address through region A's proxy, with region A's two instances restarted under the
/// limits below (the rest of the stack tests run with the limits out of the way): a flood of session-creating requests
/// is refused with 429 once over the client limit, Redis memory stays under maxmemory, and other shoppers, from other
/// addresses, keep being served; a flood of checkouts places the order cap's worth of orders and no more. Bounded by
/// request count and time. Each attempt is recorded in the security table.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class FloodTests(StackFixture stack, ITestOutputHelper output)
{
    // Per address, per 10 s window (RateLimits:Client:Window's default): low, so that the flood is over it even on a busy
    // 2-core machine, and the other shoppers' human pace (3 requests per 1.5 s at most) stays under it.
    private const int ClientLimit = 30;
    private const int OrderCap = 5;           // per shopper, per hour (RateLimits:Orders:Window's default)
    private const int FloodRequests = 3000;
    // Far over the limit still; more connections only starve the 2 cores the whole stack shares (its 503s are the machine's, not the limits').
    private const int FloodConcurrency = 4;
    private static readonly TimeSpan FloodTime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ClientWindow = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, string> FloodLimits = new(RateLimitSettings.OutOfTheWay)
    {
        ["RateLimits:Client:PermitLimit"] = ClientLimit.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Only the order cap low: the checkouts' own cart additions must not meet the client limit first.</summary>
    private static readonly Dictionary<string, string> OrderLimits = new(RateLimitSettings.OutOfTheWay)
    {
        ["RateLimits:Orders:PermitLimit"] = OrderCap.ToString(CultureInfo.InvariantCulture),
    };

    private StackContext Context => stack.Controller.Context;

    [Fact]
    public async Task A_session_flood_from_one_address_is_refused_and_other_shoppers_keep_being_served()
    {
        await RestartRegionAAsync(FloodLimits);
        try
        {
            var redis = await stack.Controller.AnsweringPrimaryAsync(NodeKind.Redis);
            var sessionsBefore = await SessionCountAsync(redis);
            var maxmemory = long.Parse((await MemoryAsync(redis))["maxmemory"], CultureInfo.InvariantCulture);
            using var stop = new CancellationTokenSource(FloodTime);
            var peak = 0L;
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, long.Parse((await MemoryAsync(redis))["used_memory"], CultureInfo.InvariantCulture));
                    await Task.Delay(500, CancellationToken.None);
                }
            });

            var others = Enumerable.Range(1, 4).Select(i => OtherShopperAsync(IPAddress.Parse($"127.78.0.{i}"), stop.Token)).ToList();
            var watch = Stopwatch.StartNew();
            var flood = await FloodAsync(IPAddress.Parse("127.77.0.1"), stop);
            var floodTime = watch.Elapsed;
            await stop.CancelAsync();
            var served = await Task.WhenAll(others);
            await sampler;
            var sessionsCreated = await SessionCountAsync(redis) - sessionsBefore;

            var windows = (int)Math.Ceiling(floodTime / ClientWindow) + 1;
            var refused = flood.GetValueOrDefault(CartFlood.Refused);
            var accepted = flood.GetValueOrDefault("200");
            var otherRequests = served.Sum(s => s.Requests);
            var otherFailures = served.SelectMany(s => s.Failures).ToList();
            var summary = string.Join(", ", flood.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
            output.WriteLine($"flood {floodTime.TotalSeconds:0.0} s: {summary}; sessions created {sessionsCreated}; Redis used_memory peak " +
                $"{peak / 1048576.0:0.0} MB of maxmemory {maxmemory / 1048576.0:0} MB; other shoppers {otherRequests} requests, {otherFailures.Count} failed, " +
                $"p50 {Percentile(served, 0.50):0.0} ms, p99 {Percentile(served, 0.99):0.0} ms");

            var contained = refused > 0 && accepted <= ClientLimit * windows && flood.Keys.All(k => k is "200" or "429 with Retry-After")
                && sessionsCreated <= ClientLimit * windows + served.Length && peak < maxmemory;
            SecurityAttempts.Record("client → proxy → app",
                $"flood of cookie-less POST /api/cart/items from one address ({flood.Values.Sum()} requests, {FloodConcurrency} connections, {floodTime.TotalSeconds:0} s)",
                $"{refused} × 429 + Retry-After, {accepted} × 200; {sessionsCreated} sessions; Redis peak {peak / 1048576.0:0.0} of {maxmemory / 1048576.0:0} MB; " +
                $"4 other shoppers: {otherFailures.Count} of {otherRequests} failed", contained && otherFailures.Count == 0);

            Assert.True(refused > 0, $"the flood was never refused: {summary}");
            Assert.All(flood.Keys, status => Assert.True(status is "200" or "429 with Retry-After", $"the flood got {status}: {summary}"));
            Assert.InRange(accepted, 1, ClientLimit * windows);
            Assert.InRange(sessionsCreated, 1, ClientLimit * windows + served.Length);
            Assert.True(peak < maxmemory, $"Redis used_memory peaked at {peak} of {maxmemory}");
            Assert.True(otherRequests > 0);
            Assert.Empty(otherFailures);
        }
        finally
        {
            await RestartRegionAAsync(RateLimitSettings.OutOfTheWay);
        }
    }

    [Fact]
    public async Task An_order_flood_from_one_shopper_places_the_cap_and_is_refused_after()
    {
        await RestartRegionAAsync(OrderLimits);
        try
        {
            using var shopper = SourceBoundClient.Create(stack.Topology, "a", IPAddress.Parse("127.77.0.2"), cookies: true,
                Context.Certificates.ServerValidator());
            var statuses = new List<string>();
            for (var i = 0; i < 4 * OrderCap; i++)
            {
                using var add = await shopper.PostAsJsonAsync("api/cart/items", new { productId = 1 + (i % 5), quantity = 1 });
                Assert.Equal(HttpStatusCode.OK, add.StatusCode);
                using var checkout = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
                checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var answer = await shopper.SendAsync(checkout);
                statuses.Add(answer.StatusCode == HttpStatusCode.TooManyRequests && answer.Headers.RetryAfter is not null
                    ? "429 with Retry-After" : ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture));
            }

            using var orders = await shopper.GetAsync("api/orders");
            var placed = (await orders.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetArrayLength();
            var created = statuses.Count(s => s == "201");
            var refused = statuses.Count(s => s == "429 with Retry-After");
            SecurityAttempts.Record("client → proxy → app", $"{statuses.Count} checkouts from one shopper in a row (order cap {OrderCap} per hour)",
                $"{created} × 201, {refused} × 429 + Retry-After; {placed} orders placed", created == OrderCap && refused == statuses.Count - OrderCap && placed == OrderCap);

            Assert.Equal(OrderCap, created);
            Assert.Equal(statuses.Count - OrderCap, refused);
            Assert.Equal(OrderCap, placed);
        }
        finally
        {
            await RestartRegionAAsync(RateLimitSettings.OutOfTheWay);
        }
    }

    /// <summary>Cookie-less cart additions from <paramref name="source"/> until the count or the time runs out: statuses counted.</summary>
    private async Task<IReadOnlyDictionary<string, int>> FloodAsync(IPAddress source, CancellationTokenSource stop)
    {
        using var client = SourceBoundClient.Create(stack.Topology, "a", source, cookies: false, Context.Certificates.ServerValidator());
        return (await CartFlood.RunAsync(client, FloodConcurrency, FloodRequests, stop.Token)).Statuses;
    }

    /// <summary>A shopper from <paramref name="source"/> browsing and filling a cart at a human pace until stopped.</summary>
    private async Task<ShopperLoad> OtherShopperAsync(IPAddress source, CancellationToken stop)
    {
        using var client = SourceBoundClient.Create(stack.Topology, "a", source, cookies: true, Context.Certificates.ServerValidator());
        return await PacedShopper.RunAsync(client, source.ToString(), TimeSpan.FromMilliseconds(1500), stop);
    }

    private static double Percentile(IEnumerable<ShopperLoad> served, double p) => Percentiles.Of(served.SelectMany(s => s.LatenciesMs), p);

    /// <summary>
    /// Region A's two instances (all region A's proxy sends to while they are up) restarted with <paramref name="settings"/>,
    /// then waited for behind the proxy. Region B's keep theirs: they serve region A only while none of its own is ready.
    /// </summary>
    private async Task RestartRegionAAsync(IReadOnlyDictionary<string, string> settings)
    {
        var apps = stack.Topology.NodesOf(NodeKind.App).Where(n => n.Region == "a").ToList();
        foreach (var app in apps)
        {
            stack.Controller.Kill(app.Name);
        }

        RateLimitSettings.ApplyTo(Context.AppSettings, settings);
        try
        {
            foreach (var app in apps)
            {
                await stack.Controller.StartAsync(app.Name);
            }
        }
        finally
        {
            RateLimitSettings.ApplyTo(Context.AppSettings, RateLimitSettings.OutOfTheWay);
        }

        using var probe = stack.NewShopper();
        await Poll.UntilAsync("region A's proxy to route to region A's instances again", async cancellationToken =>
        {
            using var response = await probe.A.GetAsync("health/live", cancellationToken);
            return response.Headers.TryGetValues("X-Served-By", out var by) && by.Single().StartsWith("a/", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), retryOn: e => e is HttpRequestException or TaskCanceledException);

        // A restarted instance's first cart addition pays its JIT, connections and key ring load (seconds on a busy
        // machine): paid here, so that the flood measures the limits, not a cold start.
        foreach (var app in apps)
        {
            using var direct = stack.DirectTo(app);
            await Poll.UntilAsync($"a cart addition on {app.Name}", async cancellationToken =>
            {
                using var warm = await direct.PostAsJsonAsync("api/cart/items", new { productId = 1, quantity = 1 }, cancellationToken);
                return warm.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), retryOn: e => e is HttpRequestException or TaskCanceledException);
        }
    }

    private async Task<int> SessionCountAsync(Node redis)
    {
        // As admin, a few thousand keys at most: KEYS inside a script answers with one number.
        var count = await RedisCli.RunAsync(Context, redis, ["EVAL", "return #redis.call('KEYS', ARGV[1])", "0", "StatelessApp:Session:*"], CancellationToken.None)
            ?? throw new InvalidOperationException("the Redis primary did not count the session keys");
        return int.Parse(count.Trim(), CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyDictionary<string, string>> MemoryAsync(Node redis) =>
        RedisCli.ParseInfo(await RedisCli.RunAsync(Context, redis, ["INFO", "memory"], CancellationToken.None)
            ?? throw new InvalidOperationException("the Redis primary did not answer INFO"));
}
