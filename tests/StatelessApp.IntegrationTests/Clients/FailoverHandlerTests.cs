using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Clients;
using StatelessApp.TestKit.Network;

namespace StatelessApp.IntegrationTests.Clients;

/// <summary>
/// The failover-capable client against real listeners on several loopback addresses behind one name served by a real
/// dnsmasq: refused, silent (SYN dropped) and live addresses, a server that dies, connections that break mid-request.
/// </summary>
public sealed class FailoverHandlerTests : IAsyncLifetime
{
    private const string Name = "app.failover.test";
    private static readonly IPAddress Refusing = IPAddress.Parse("127.0.77.1");
    private static readonly IPAddress Silent = IPAddress.Parse("127.0.77.2");
    private static readonly IPAddress LiveA = IPAddress.Parse("127.0.77.3");
    private static readonly IPAddress LiveB = IPAddress.Parse("127.0.77.4");

    private readonly int _port = LoopbackPorts.FreeTcp();
    private readonly List<Socket> _silentSockets = [];
    private TestEndpoint _liveA = null!;
    private TestEndpoint _liveB = null!;

    public async Task InitializeAsync()
    {
        _liveA = await TestEndpoint.StartAsync(LiveA, _port);
        _liveB = await TestEndpoint.StartAsync(LiveB, _port);

        // A host that does not answer: a listener that never accepts, its backlog filled, drops further SYNs, so a
        // connect hangs exactly as to a machine that vanished (no RST, unlike a closed port).
        var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _silentSockets.Add(listener);
        listener.Bind(new IPEndPoint(Silent, _port));
        listener.Listen(0);
        var connects = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
            connects.Add(filler.ConnectAsync(new IPEndPoint(Silent, _port)));
            _silentSockets.Add(filler);
        }

        // The backlog is full once a filler's handshake has completed; the others hang, as the test's connects will.
        await Task.WhenAny(connects);
    }

    [Fact]
    public async Task Refused_and_silent_addresses_are_skipped_within_the_per_address_timeout()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, Refusing, Silent, LiveA);
        // No repeat of the request, and a client timeout far below the OS connect timeout: only the per-address timeout
        // can get past the silent address in time.
        using var client = Client(dns, new FailoverClientOptions { PooledConnectionLifetime = TimeSpan.FromMilliseconds(1), MaxAttempts = 1 });

        Assert.Equal($"served by {LiveA}", await client.GetStringAsync(Uri("/")));
        // A new connection (the pooled one expired) too.
        Assert.Equal($"served by {LiveA}", await client.GetStringAsync(Uri("/")));
    }

    [Fact]
    public async Task A_server_that_dies_under_sequential_load_costs_no_failed_request()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, LiveA, LiveB);
        using var client = Client(dns, new FailoverClientOptions { PooledConnectionLifetime = TimeSpan.FromMilliseconds(50) });
        var failures = 0;
        var servedBy = new HashSet<string>();

        for (var i = 0; i < 60; i++)
        {
            if (i == 20)
            {
                await _liveA.StopAsync();
                await _liveB.StopAsync();
                _liveB = await TestEndpoint.StartAsync(LiveB, _port); // B comes back at once, A stays dead
            }

            try
            {
                servedBy.Add(await client.GetStringAsync(Uri($"/{i}")));
            }
            catch (HttpRequestException)
            {
                failures++;
            }
        }

        Assert.Equal(0, failures);
        Assert.Contains($"served by {LiveB}", servedBy);
    }

    [Fact]
    public async Task Connection_broken_mid_request_is_repeated_for_GET_and_keyed_POST_but_not_for_a_plain_POST()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, LiveA);
        using var client = Client(dns, new FailoverClientOptions());

        _liveA.BreakNext(1);
        Assert.Equal($"served by {LiveA}", await client.GetStringAsync(Uri("/get")));

        _liveA.BreakNext(1);
        using var keyed = new HttpRequestMessage(HttpMethod.Post, Uri("/checkout")) { Content = new StringContent("{}") };
        keyed.Headers.Add("Idempotency-Key", "k-1");
        var keyedResponse = await client.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, keyedResponse.StatusCode);

        _liveA.BreakNext(1);
        var before = _liveA.Requests;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(Uri("/cart"), new StringContent("{}")));
        Assert.Equal(before + 1, _liveA.Requests);
    }

    [Fact]
    public async Task Answer_503_is_repeated_for_a_GET_and_returned_as_is_for_a_plain_POST()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, LiveA);
        using var client = Client(dns, new FailoverClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        _liveA.AnswerUnavailableNext(2);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Uri("/"))).StatusCode);

        _liveA.AnswerUnavailableNext(1);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync(Uri("/cart"), new StringContent("{}"))).StatusCode);
        _liveA.AnswerUnavailableNext(0);
    }

    [Fact]
    public async Task Addresses_learnt_before_the_DNS_server_died_are_still_used()
    {
        // TTL 0: the lookup after the DNS server died cannot be answered from the DNS client's cache.
        var dns = await DnsmasqServer.StartAsync(Name, ttlSeconds: 0, LiveA);
        using var client = Client(dns, new FailoverClientOptions { PooledConnectionLifetime = TimeSpan.FromMilliseconds(1) });
        Assert.Equal($"served by {LiveA}", await client.GetStringAsync(Uri("/")));

        await dns.DisposeAsync();

        Assert.Equal($"served by {LiveA}", await client.GetStringAsync(Uri("/")));
    }

    [Fact]
    public async Task Registered_on_a_named_client_it_reads_its_section_and_validates_at_start()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, Refusing, LiveB);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Shop:DnsServer"] = dns.EndPoint.ToString(),
            ["Shop:PerAddressConnectTimeout"] = "00:00:00.200",
        });
        builder.Services.AddHttpClient("shop").AddFailoverHandler("Shop");
        using var host = builder.Build();
        await host.StartAsync();

        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("shop");

        Assert.Equal($"served by {LiveB}", await client.GetStringAsync(Uri("/")));
        await host.StopAsync();

        var invalid = Host.CreateApplicationBuilder();
        invalid.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Shop:MaxAttempts"] = "0" });
        invalid.Services.AddHttpClient("shop").AddFailoverHandler("Shop");
        using var refused = invalid.Build();
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => refused.StartAsync());
        Assert.Contains("MaxAttempts must be between 1 and 10", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_client_counts_its_repeats_refused_addresses_and_failovers_under_its_name()
    {
        await using var dns = await DnsmasqServer.StartAsync(Name, LiveA, LiveB);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Shop:DnsServer"] = dns.EndPoint.ToString(),
            ["Shop:RetryDelay"] = "00:00:00.010",
            ["Shop:PooledConnectionLifetime"] = "00:00:00.001",
        });
        builder.Services.AddHttpClient("shop").AddFailoverHandler("Shop");
        using var host = builder.Build();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, ClientMetrics.MeterName, "statelessapp.clients.retries");
        using var connectFailures = new MetricCollector<long>(meters, ClientMetrics.MeterName, "statelessapp.clients.connect_failures");
        using var failovers = new MetricCollector<long>(meters, ClientMetrics.MeterName, "statelessapp.clients.failovers");
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("shop");
        var first = await client.GetStringAsync(Uri("/"));
        Assert.Empty(failovers.GetMeasurementSnapshot());

        // The address that served (the one tried first from now on) stops; the other one stays.
        await _liveA.StopAsync();
        await _liveB.StopAsync();
        var other = first == $"served by {LiveA}" ? LiveB : LiveA;
        var survivor = await TestEndpoint.StartAsync(other, _port);
        (other == LiveA ? ref _liveA : ref _liveB) = survivor;
        Assert.Equal($"served by {other}", await client.GetStringAsync(Uri("/")));
        survivor.AnswerUnavailableNext(1);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Uri("/"))).StatusCode);

        var refused = Assert.Single(connectFailures.GetMeasurementSnapshot());
        Assert.Equal(("shop", "error"), (refused.Tags["client"], refused.Tags["outcome"]));
        Assert.Equal("shop", Assert.Single(failovers.GetMeasurementSnapshot()).Tags["client"]);
        var repeat = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal(("shop", "503"), (repeat.Tags["client"], repeat.Tags["reason"]));
    }

    [Theory]
    [InlineData("not-an-endpoint", "FailoverClient:DnsServer must be an IP address and port")]
    [InlineData("", "FailoverClient:PerAddressConnectTimeout must be positive")]
    public void Invalid_settings_are_refused_naming_the_setting(string dnsServer, string expected)
    {
        var options = new FailoverClientOptions { DnsServer = dnsServer };
        if (dnsServer.Length == 0)
        {
            options.PerAddressConnectTimeout = TimeSpan.Zero;
        }

        var failure = Assert.Throws<ArgumentException>(() => FailoverHttpHandler.Create(options));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static HttpClient Client(DnsmasqServer dns, FailoverClientOptions options)
    {
        options.DnsServer = dns.EndPoint.ToString();
        return new HttpClient(FailoverHttpHandler.Create(options)) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private Uri Uri(string path) => new($"http://{Name}:{_port}{path}");

    public async Task DisposeAsync()
    {
        await _liveA.DisposeAsync();
        await _liveB.DisposeAsync();
        foreach (var socket in _silentSockets)
        {
            socket.Dispose();
        }
    }
}
