using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Network;

namespace StatelessApp.IntegrationTests.RateLimiting;

/// <summary>
/// The rate limits of the hosting block on a real Redis: two instances count against the same limits, the 429 says
/// which limit and when to retry, a new window lets the client in again, and a dead Redis lets everyone in (fail open).
/// Each test counts under its own key prefix; the clock is fake and starts at a window's beginning.
/// </summary>
public sealed class SharedRateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>The beginning of a 10 s window (windows are aligned on the Unix epoch).</summary>
    private static readonly DateTimeOffset WindowStart = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_instances_share_one_client_limit_and_the_429_names_it_with_Retry_After()
    {
        var time = new FakeTimeProvider(WindowStart);
        var settings = Settings(clientLimit: 5, userLimit: 100);
        await using var app1 = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, settings);
        await using var app2 = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, settings);
        using var refusals1 = Refusals(app1);
        using var refusals2 = Refusals(app2);

        var served = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await (i % 2 == 0 ? app1 : app2).GetAsync("192.0.2.1");
            served.Add(response.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(3));
        using var refused = await app2.GetAsync("192.0.2.1");
        using var refusedOnTheOther = await app1.GetAsync("192.0.2.1");
        using var otherClient = await app1.GetAsync("192.0.2.2");

        Assert.All(served, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedOnTheOther.StatusCode);
        Assert.Equal("7", Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.Equal("Client", problem.GetProperty("limit").GetString());
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        // One line for the whole window, however many requests it refuses.
        Assert.Single(app1.Logs.Lines.Concat(app2.Logs.Lines), line => line.Message.Contains("Rate limit Client reached by 192.0.2.1", StringComparison.Ordinal));
        // Every refusal counted where it was refused, tagged with the limit (never the address).
        Assert.All(refusals1.GetMeasurementSnapshot().Concat(refusals2.GetMeasurementSnapshot()),
            m => Assert.Equal(("Client", "over"), (m.Tags["limit"], m.Tags["reason"])));
        Assert.Equal((1, 1), (refusals1.GetMeasurementSnapshot().Count, refusals2.GetMeasurementSnapshot().Count));
    }

    [Fact]
    public async Task The_next_window_serves_the_client_again()
    {
        var time = new FakeTimeProvider(WindowStart.AddSeconds(4));
        await using var app = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, Settings(clientLimit: 2, userLimit: 100));

        (await app.GetAsync("192.0.2.3")).Dispose();
        (await app.GetAsync("192.0.2.3")).Dispose();
        using var refused = await app.GetAsync("192.0.2.3");
        time.Advance(TimeSpan.FromSeconds(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture)));
        using var again = await app.GetAsync("192.0.2.3");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_user_is_limited_from_every_address_and_health_probes_are_never_counted()
    {
        var time = new FakeTimeProvider(WindowStart);
        await using var app = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, Settings(clientLimit: 100, userLimit: 3));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await app.GetAsync($"192.0.2.{10 + i}", user: "shopper-1");
            statuses.Add(response.StatusCode);
        }

        for (var i = 0; i < 5; i++)
        {
            using var probe = await app.GetAsync("192.0.2.10", user: "shopper-1", path: "/health/live");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        using var otherUser = await app.GetAsync("192.0.2.10", user: "shopper-2");
        using var refused = await app.GetAsync("192.0.2.20", user: "shopper-1");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
        Assert.Equal("User", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("limit").GetString());
    }

    [Fact]
    public async Task Without_Redis_the_limits_fail_open_with_one_warning()
    {
        var time = new FakeTimeProvider(WindowStart);
        await using var app = await RateLimitTestApp.StartAsync($"127.0.0.1:{LoopbackPorts.FreeTcp()},abortConnect=false,connectTimeout=200", time,
            Settings(clientLimit: 1, userLimit: 1));
        using var unchecked_ = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), RateLimitMetrics.MeterName, "statelessapp.ratelimiting.unchecked");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await app.GetAsync("192.0.2.30", user: "shopper-3");
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var warning = Assert.Single(app.Logs.Lines, line => line.Message.StartsWith("Rate limits not applied (failing open)", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(5, unchecked_.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    private static MetricCollector<long> Refusals(RateLimitTestApp app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), RateLimitMetrics.MeterName, "statelessapp.ratelimiting.refusals");

    private static Dictionary<string, string?> Settings(int clientLimit, int userLimit) => new()
    {
        ["RateLimits:KeyPrefix"] = $"StatelessApp:RateLimit:{Guid.NewGuid():N}:",
        ["RateLimits:Client:PermitLimit"] = clientLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:Client:Window"] = "00:00:10",
        ["RateLimits:User:PermitLimit"] = userLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:User:Window"] = "00:00:10",
    };
}
