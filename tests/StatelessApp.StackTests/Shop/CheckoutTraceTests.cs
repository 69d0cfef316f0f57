using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Stacks;
using StatelessApp.TestKit.Telemetry;
using Xunit.Abstractions;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// One checkout followed in a trace from the proxy to PostgreSQL: the proxy starts the trace (W3C traceparent) and logs
/// its id; the instance's server span continues it; its Redis commands (the session) and its Npgsql commands (the
/// order's INSERT on the primary) are spans of the same trace, read back from the stack's Aspire dashboard.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed partial class CheckoutTraceTests(StackFixture stack, ITestOutputHelper output)
{
    public static TheoryData<ProxyKind> Kinds => new(ProxyKind.Haproxy, ProxyKind.Nginx);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_checkout_is_one_trace_from_the_proxy_through_the_app_and_Redis_to_an_INSERT_on_the_primary(ProxyKind kind)
    {
        await using var proxies = await stack.ProxiesAsAsync(kind);
        using var shopper = stack.NewShopper();
        using (var added = await shopper.A.PostAsJsonAsync("api/cart/items", new { productId = 1, quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var proxyLog = new NodeLogWatch(stack.Controller.Paths.LogOf(stack.Topology.NodeOf(NodeKind.Proxy, "a").Name));
        using (var checkout = await shopper.A.PostAsJsonAsync("api/checkout", new { }))
        {
            Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        }

        // The proxy's record: its access line names the trace and the parent it handed the instance.
        var line = await Poll.UntilAsync("the proxy's access line of the checkout",
            _ => Task.FromResult(proxyLog.Lines().FirstOrDefault(l => l.Contains("POST /api/checkout", StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(10));
        var hop = ProxyTrace().Match(line!);
        Assert.True(hop.Success, $"no trace_id=… parent_id=… in the proxy's line: {line}");
        var (traceId, parentId) = (hop.Groups["trace"].Value, hop.Groups["parent"].Value);

        var primary = await stack.Controller.AnsweringPrimaryAsync(NodeKind.Postgres);
        using var dashboard = new DashboardClient(DashboardServer.Url(stack.Topology.NodesOf(NodeKind.Dashboard).Single()));
        // Redis spans are made from the profiler's records up to a second after the request; the batches leave every second.
        var spans = await Poll.UntilAsync($"trace {traceId} in the dashboard with the server, Redis and INSERT spans",
            token => dashboard.TraceAsync(traceId, token),
            found => Server(found, parentId) is not null && found.Any(IsRedis) && found.Any(IsInsert),
            TimeSpan.FromSeconds(30));
        output.WriteLine($"{kind}: {line}");
        foreach (var span in spans)
        {
            output.WriteLine($"  {span}");
        }

        var server = Server(spans, parentId)!;
        Assert.Equal("a", server.Resource["cloud.region"]);   // through region A's proxy, served by a region-A instance
        Assert.StartsWith("a/app-", server.Resource["service.instance.id"], StringComparison.Ordinal);
        var insert = spans.First(IsInsert);
        Assert.Equal(primary.Address.ToString(), insert.Attribute("server.address", "net.peer.name", "network.peer.address"));
        Assert.All(spans, span => Assert.Equal(traceId, span.TraceId));
    }

    /// <summary>The instance's span of the checkout, whose parent is the one the proxy put in traceparent.</summary>
    private static TraceSpan? Server(IReadOnlyList<TraceSpan> spans, string parentId) =>
        spans.FirstOrDefault(span => span.Kind == TraceSpan.ServerKind && span.ParentSpanId == parentId
            && span.Attribute("url.path") == "/api/checkout");

    private static bool IsRedis(TraceSpan span) => span.Attribute("db.system.name", "db.system") == "redis";

    private static bool IsInsert(TraceSpan span) =>
        span.Attribute("db.system.name", "db.system") == "postgresql"
        && (span.Attribute("db.query.text", "db.statement") ?? "").Contains("INSERT", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"trace_id=(?<trace>[0-9a-f]{32}) parent_id=(?<parent>[0-9a-f]{16})")]
    private static partial Regex ProxyTrace();
}
