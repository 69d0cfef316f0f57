using System.Globalization;
using System.Net;
using System.Text.Json;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Security;

namespace StatelessApp.DeployTests;

/// <summary>
/// The proxies' request rules with the real HAProxy and nginx, the repository's config files and the controller's
/// variables (the plaintext twin, in front of <see cref="CountingApps"/>): which requests are repeated on another
/// instance, and the edge limits per client address. The stack tests show the same through the real app
/// (StackTests: ProxyRetryTests, EdgeRateLimitTests); here every case is cheap and exact.
/// </summary>
public sealed class ProxyRulesTests : IDisposable
{
    private readonly ProxyScratch _scratch = new("proxy-rules", tls: false);

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<ProxyKind> Kinds => new(ProxyKind.Haproxy, ProxyKind.Nginx);

    private Uri Proxy => new($"http://127.0.0.1:{_scratch.HttpsPort}/");

    /// <summary>The proxy in front of <paramref name="apps"/> (both local instances; the backups where nothing listens).</summary>
    private async Task<RunningServer> StartAsync(ProxyKind kind, CountingApps apps, IReadOnlyDictionary<string, string>? overrides = null, string? deadLocal = null)
    {
        var variables = ProxyVariables.Of(_scratch.Context, _scratch.HttpsPort, _scratch.HttpPort, [
            deadLocal ?? $"127.0.0.1:{apps.Ports[0]}", $"127.0.0.1:{apps.Ports[1]}",
            $"127.0.0.1:{LoopbackPorts.FreeTcp()}", $"127.0.0.1:{LoopbackPorts.FreeTcp()}"]);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var proxy = await ProxyProcess.StartAsync(kind, variables, _scratch.Folder, _scratch.HttpsPort);
        if (deadLocal is null)
        {
            // HAProxy's first checks: both local instances up, so a repeat has another instance to go to.
            using var client = new HttpClient();
            await Poll.UntilAsync("the proxy to route to the instances", async ct =>
                (await client.GetAsync(new Uri(Proxy, "health/ready"), ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        }

        return proxy;
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? idempotencyKey = null)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(Proxy, path)) { Content = new StringContent("{}") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static string Name(ProxyKind kind) => kind == ProxyKind.Haproxy ? "HAProxy" : "nginx";

    /// <summary>Every proxy kind with every method that is not idempotent.</summary>
    public static TheoryData<ProxyKind, string> KindsAndWrites => new()
    {
        { ProxyKind.Haproxy, "POST" }, { ProxyKind.Haproxy, "PATCH" }, { ProxyKind.Nginx, "POST" }, { ProxyKind.Nginx, "PATCH" },
    };

    [Theory]
    [MemberData(nameof(KindsAndWrites))]
    public async Task A_keyless_POST_or_PATCH_answered_503_is_sent_to_one_instance_only(ProxyKind kind, string method)
    {
        await using var apps = await CountingApps.StartAsync(instances: 2);
        using var proxy = await StartAsync(kind, apps);

        var status = await SendAsync(new HttpMethod(method), "unavailable");

        var sent = apps.Requests.Count;
        SecurityAttempts.Record($"{Name(kind)} (deploy config) → apps", $"keyless {method} answered 503 by the instance", $"{(int)status}, sent to {sent} instance(s)", refused: sent == 1);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(1, sent);
    }

    [Theory]
    [MemberData(nameof(KindsAndWrites))]
    public async Task A_keyed_POST_or_PATCH_answered_503_is_repeated_on_the_other_instance(ProxyKind kind, string method)
    {
        await using var apps = await CountingApps.StartAsync(instances: 2);
        using var proxy = await StartAsync(kind, apps);

        await SendAsync(new HttpMethod(method), "unavailable", idempotencyKey: "key-1");

        var received = apps.Requests;
        Assert.True(received.Count > 1, $"{method} with a key was sent {received.Count} time(s)");
        Assert.All(received, r => Assert.Equal("key-1", r.IdempotencyKey));
        Assert.Equal(2, received.Select(r => r.Port).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_idempotent_request_answered_503_is_repeated_without_a_key(ProxyKind kind)
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            await using var apps = await CountingApps.StartAsync(instances: 2);
            using var proxy = await StartAsync(kind, apps);

            await SendAsync(method, "unavailable");

            Assert.True(apps.Requests.Count > 1, $"{method} was sent {apps.Requests.Count} time(s)");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_keyless_POST_whose_connection_is_refused_goes_to_another_instance(ProxyKind kind)
    {
        await using var apps = await CountingApps.StartAsync(instances: 2);
        // The first local instance refuses connections: the POST was never sent there, so repeating it is safe.
        using var proxy = await StartAsync(kind, apps, deadLocal: $"127.0.0.1:{LoopbackPorts.FreeTcp()}");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await SendAsync(HttpMethod.Post, "order"));
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(4, apps.Requests.Count);
        Assert.All(apps.Requests, r => Assert.Equal(apps.Ports[1], r.Port));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task One_client_address_over_the_edge_limit_gets_429_with_Retry_After_while_another_is_served(ProxyKind kind)
    {
        await using var apps = await CountingApps.StartAsync(instances: 2);
        // Small limits: 1 a second with 5 more at once (HAProxy: at most 15 in 10 s, nginx: 6 at once).
        using var proxy = await StartAsync(kind, apps, new Dictionary<string, string> { ["EDGE_REQUEST_RATE"] = "1", ["EDGE_REQUEST_BURST"] = "5" });

        var statuses = new List<HttpStatusCode>();
        using (var flooder = ClientFrom("127.14.0.1"))
        {
            for (var i = 0; i < 30; i++)
            {
                using var response = await flooder.GetAsync("catalogue");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.Equal(TimeSpan.FromSeconds(kind == ProxyKind.Haproxy ? 10 : 1), response.Headers.RetryAfter?.Delta);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
                    Assert.Equal("edge", problem.GetProperty("limit").GetString());
                }
            }
        }

        using var other = ClientFrom("127.14.0.2");
        using var served = await other.GetAsync("catalogue");
        using var exempt = new HttpClient { BaseAddress = Proxy };
        var exemptStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await exempt.GetAsync("catalogue");
            exemptStatuses.Add(response.StatusCode);
        }

        var refused = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        SecurityAttempts.Record($"{Name(kind)} edge limit (deploy config, 1/s + 5)", "30 requests in a row from one client address",
            string.Create(CultureInfo.InvariantCulture, $"{refused} × 429 with Retry-After; another address: {(int)served.StatusCode}"), refused: refused > 0);
        Assert.InRange(refused, 1, 30 - 6);
        Assert.All(statuses.Take(6), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        // EDGE_LIMIT_EXEMPT (127.0.0.1/32): the machine's own processes are never refused.
        Assert.All(exemptStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    private HttpClient ClientFrom(string source) =>
        new(new SocketsHttpHandler { UseProxy = false, ConnectCallback = SourceAddressConnector.From(IPAddress.Parse(source), new IPEndPoint(IPAddress.Loopback, _scratch.HttpsPort)) })
        {
            BaseAddress = Proxy,
        };
}
