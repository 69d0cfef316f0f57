using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Security;
using Xunit.Abstractions;

namespace StatelessApp.StackTests.Security;

/// <summary>
/// The edge limits per client address (EDGE_* in deploy/topology.env) at each proxy kind: a client address over the limit
/// gets 429 with Retry-After and a problem body from the proxy, while another address is served. Clients play distinct
/// addresses by binding their source address (any 127.x.y.z), as shoppers behind different networks would.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class EdgeRateLimitTests(StackFixture stack, ITestOutputHelper output)
{
    private const int Concurrency = 16;

    public static TheoryData<ProxyKind> Kinds => new(ProxyKind.Haproxy, ProxyKind.Nginx);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_client_address_over_the_edge_limit_gets_429_with_Retry_After_while_another_is_served(ProxyKind kind)
    {
        await using var proxies = await stack.ProxiesAsAsync(kind);
        var limits = stack.Topology.EdgeLimits;
        // More than either proxy lets through at once (HAProxy: 10 × rate + burst in 10 s; nginx: burst, then rate a second).
        var requests = (10 * limits.RequestRate) + limits.RequestBurst + 300;
        using var flooder = ClientFrom("127.14.0.1");
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        HttpResponseMessage? refusal = null;
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                var response = await flooder.GetAsync("health/live");
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode != HttpStatusCode.TooManyRequests || Interlocked.CompareExchange(ref refusal, response, null) is not null)
                {
                    response.Dispose();
                }
            }
        })));

        using var other = ClientFrom("127.14.0.2");
        using var served = await other.GetAsync("health/live");

        var refused = statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests);
        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key} × {s.Value}"));
        output.WriteLine($"{kind}: {requests} requests from one address, {Concurrency} at a time: {summary}; another address: {(int)served.StatusCode}");
        SecurityAttempts.Record($"{(kind == ProxyKind.Haproxy ? "HAProxy" : "nginx")} edge limit ({limits.RequestRate}/s + {limits.RequestBurst})",
            $"{requests} requests from one client address, {Concurrency} at a time",
            $"{refused} × 429 with Retry-After; another address: {(int)served.StatusCode}", refused: refused > 0 && served.IsSuccessStatusCode);

        Assert.True(refusal is not null, $"no request was refused: {summary}");
        using (refusal)
        {
            Assert.True(refusal.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without Retry-After in seconds");
            Assert.Equal("application/problem+json", refusal.Content.Headers.ContentType?.MediaType);
            Assert.Equal("edge", JsonDocument.Parse(await refusal.Content.ReadAsStringAsync()).RootElement.GetProperty("limit").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(requests, statuses.Values.Sum());
        Assert.All(statuses.Keys, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    /// <summary>Region A's proxy, by the app's name, from <paramref name="source"/>.</summary>
    private HttpClient ClientFrom(string source) =>
        SourceBoundClient.Create(stack.Topology, "a", IPAddress.Parse(source), cookies: false, stack.Controller.Context.Certificates.ServerValidator());
}
