using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.RequestRates;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Network;

namespace StatelessApp.IntegrationTests.RequestRates;

/// <summary>
/// Instances of two regions count their answers, each adds them to the shared Redis in one batch per interval, and any
/// instance reads the rates of both regions: on a real Redis, with a fake clock for the buckets and the window.
/// </summary>
public sealed class RequestRateTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly DateTimeOffset Start = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Both_regions_rates_are_read_on_either_instance_from_one_batch_per_flush_and_probes_are_not_counted()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = $"StatelessApp:RequestRates:{Guid.NewGuid():N}:";
        await using var a = await Instance.StartAsync(redis.ConnectionString, "a", time, prefix);
        await using var b = await Instance.StartAsync(redis.ConnectionString, "b", time, prefix);

        await a.GetAsync("/", times: 6);
        await a.GetAsync("/missing", times: 2);
        await a.GetAsync("/fails", times: 1);
        await a.GetAsync("/health/live", times: 5);
        await b.GetAsync("/", times: 3);
        await b.GetAsync("/unavailable", times: 1);
        await a.Reader.ReadAsync(CancellationToken.None); // connects both instances, so the count below is the flushes' alone
        await b.Reader.ReadAsync(CancellationToken.None);
        var before = await redis.QuietCommandCallsAsync();
        Assert.True(await a.Flusher.FlushAsync(CancellationToken.None));
        Assert.True(await b.Flusher.FlushAsync(CancellationToken.None));
        var after = await redis.CommandCallsAsync();
        time.Advance(TimeSpan.FromSeconds(1)); // the bucket written is complete: the readers count it

        var rates = await a.Reader.ReadAsync(CancellationToken.None);

        Assert.Equal(await b.Reader.ReadAsync(CancellationToken.None), rates);
        Assert.Equal([new RegionRequestRate("a", 0.9, 0.2, 0.1), new RegionRequestRate("b", 0.4, 0, 0.1)], rates);
        // a: HINCRBY requests, 4xx, 5xx + EXPIRE; b: requests, 5xx + EXPIRE. Nothing per request.
        Assert.Equal(new Dictionary<string, long> { ["hincrby"] = 5, ["expire"] = 2 }, RedisServer.Delta(before, after));
        var ttl = await (await redis.DatabaseAsync()).KeyTimeToLiveAsync(prefix + (Start.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Counts_leave_the_rates_once_the_window_has_passed_them()
    {
        var time = new FakeTimeProvider(Start);
        await using var a = await Instance.StartAsync(redis.ConnectionString, "a", time, $"StatelessApp:RequestRates:{Guid.NewGuid():N}:");
        await a.GetAsync("/", times: 10);
        await a.Flusher.FlushAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([new RegionRequestRate("a", 1, 0, 0)], await a.Reader.ReadAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty((await a.Reader.ReadAsync(CancellationToken.None))!);
    }

    [Fact]
    public async Task Without_Redis_the_rates_are_unknown_and_the_counts_dropped_with_one_warning()
    {
        var time = new FakeTimeProvider(Start);
        await using var a = await Instance.StartAsync($"127.0.0.1:{LoopbackPorts.FreeTcp()},abortConnect=false,connectTimeout=200", "a", time,
            "StatelessApp:RequestRates:down:");
        await a.GetAsync("/", times: 3);

        Assert.False(await a.Flusher.FlushAsync(CancellationToken.None));
        await a.GetAsync("/", times: 1);
        Assert.False(await a.Flusher.FlushAsync(CancellationToken.None));
        Assert.Null(await a.Reader.ReadAsync(CancellationToken.None));

        var warning = Assert.Single(a.Logs.Lines, line => line.Message.StartsWith("Request counts not written to Redis", StringComparison.Ordinal));
        Assert.Contains("3 requests dropped", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>One app instance: the request-rate block, the health probes, and endpoints that answer 200, 404, 500, 503.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Instance(WebApplication app, ListLoggerProvider logs)
        {
            _app = app;
            Logs = logs;
        }

        public ListLoggerProvider Logs { get; }

        public RequestRateFlusher Flusher => _app.Services.GetServices<IHostedService>().OfType<RequestRateFlusher>().Single();

        public RequestRateReader Reader => _app.Services.GetRequiredService<RequestRateReader>();

        public static async Task<Instance> StartAsync(string redisConnectionString, string region, TimeProvider time, string keyPrefix)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                EnvironmentName = Environments.Production,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Redis"] = redisConnectionString,
                ["RequestRates:KeyPrefix"] = keyPrefix,
            });
            var logs = new ListLoggerProvider();
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton(time);
            builder.Services.Configure<InstanceOptions>(instance => (instance.Region, instance.Name) = (region, "app-1"));
            builder.AddRedis("Redis");
            builder.AddStatelessHealthChecks();
            builder.AddRequestRates();
            builder.Services.AddProblemDetails();

            var app = builder.Build();
            app.UseRequestRates();
            app.UseExceptionHandler();
            app.MapStatelessHealthChecks();
            app.MapGet("/", () => "served");
            app.MapGet("/fails", string () => throw new InvalidOperationException("a bug"));
            app.MapGet("/unavailable", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
            await app.StartAsync();
            return new Instance(app, logs);
        }

        public async Task GetAsync(string path, int times)
        {
            using var http = _app.GetTestClient();
            for (var i = 0; i < times; i++)
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
