using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.IntegrationTests.RateLimiting;

/// <summary>
/// The request limits decided from each instance's tally, on a real Redis: a request far below its limit is served while
/// its counter's transaction is still held by Redis (writes paused), and the answer updates the tally afterwards; a
/// flood from one client at one instance gets exactly the limit, then 429 with Retry-After; over two instances, the
/// limit and at most the instances' local shares more.
/// </summary>
public sealed class TalliedRateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>The beginning of a 10 s window (windows are aligned on the Unix epoch).</summary>
    private static readonly DateTimeOffset WindowStart = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_request_below_its_limit_is_served_while_Redis_still_holds_its_counter()
    {
        var time = new FakeTimeProvider(WindowStart);
        var prefix = $"StatelessApp:RateLimit:{Guid.NewGuid():N}:";
        await using var app = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, Settings(prefix, clientLimit: 100));
        var tally = app.Services.GetRequiredService<WindowTally>();
        var key = $"{prefix}Client:192.0.2.40:{new FixedWindow(TimeSpan.FromSeconds(10), WindowStart).Index}";
        var admin = await redis.DatabaseAsync();
        (await app.GetAsync("192.0.2.40")).Dispose(); // the app's connection made, and one hit answered, before the pause
        await Poll.UntilAsync("the first hit's answer to reach the tally", _ => Task.FromResult(tally.Peek(key)),
            known => known == (1L, 0), TimeSpan.FromSeconds(30));

        // Writes paused (reads still answered): the counter's MULTI/INCR/EXEC waits in Redis until UNPAUSE.
        await admin.ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        HttpStatusCode served;
        (long Known, int Pending)? whileHeld;
        RedisValue inRedisWhileHeld;
        try
        {
            using var response = await app.GetAsync("192.0.2.40");
            served = response.StatusCode;
            whileHeld = tally.Peek(key);
            inRedisWhileHeld = await admin.StringGetAsync(key);
        }
        finally
        {
            await admin.ExecuteAsync("CLIENT", "UNPAUSE");
        }

        Assert.Equal(HttpStatusCode.OK, served);
        Assert.Equal((1L, 1), whileHeld); // the first hit answered, the second sent and not answered
        Assert.Equal("1", inRedisWhileHeld.ToString());
        await Poll.UntilAsync("the held hit's answer to reach the tally", _ => Task.FromResult(tally.Peek(key)),
            known => known == (2L, 0), TimeSpan.FromSeconds(30));
        Assert.Equal("2", (await admin.StringGetAsync(key)).ToString());
    }

    [Fact]
    public async Task A_flood_from_one_client_at_one_instance_gets_exactly_the_limit_then_429_with_Retry_After()
    {
        var (served, refused, @unchecked) = await FloodAsync(instances: 1);

        Assert.Equal((Limit, Requests - Limit, 0), (served, refused, @unchecked));
    }

    [Fact]
    public async Task A_flood_from_one_client_over_two_instances_gets_the_limit_and_at_most_each_instance_s_local_share_more()
    {
        var (served, refused, @unchecked) = await FloodAsync(instances: 2);

        // Exact unless an instance's view is stale by the whole rest of the limit; never more than each instance's local
        // share over it (an instance grants at most that many hits a window without waiting for Redis).
        Assert.InRange(served, Limit, Limit + 2 * (Limit / 2));
        Assert.Equal(Requests - served, refused);
        Assert.Equal(0, @unchecked);
    }

    private const int Limit = 20;
    private const int Requests = 100;

    /// <summary>
    /// <see cref="Requests"/> from one client on four connections, each sending to the instances in turn as a proxy
    /// balancing one client would: how many were served, refused with 429 and Retry-After (the window's 10 s), let through unchecked.
    /// </summary>
    private async Task<(int Served, int Refused, long Unchecked)> FloodAsync(int instances)
    {
        var time = new FakeTimeProvider(WindowStart);
        var settings = Settings($"StatelessApp:RateLimit:{Guid.NewGuid():N}:", clientLimit: Limit);
        var apps = new List<RateLimitTestApp>();
        var collectors = new List<MetricCollector<long>>();
        try
        {
            for (var i = 0; i < instances; i++)
            {
                var app = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, settings);
                apps.Add(app);
                // A request before the multiplexer has connected passes unchecked (fail open): not what this is about.
                await Poll.UntilAsync("the instance's Redis connection", _ => Task.FromResult(app.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected),
                    TimeSpan.FromSeconds(30));
                collectors.Add(new(app.Services.GetRequiredService<IMeterFactory>(), RateLimitMetrics.MeterName, "statelessapp.ratelimiting.unchecked"));
            }

            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
            {
                var seen = new List<string>();
                for (var i = 0; i < Requests / 4; i++)
                {
                    using var response = await apps[(worker + i) % instances].GetAsync("192.0.2.41");
                    seen.Add(response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.GetValues("Retry-After").Single() == "10"
                        ? "429" : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }

                return seen;
            }));

            var statuses = answers.SelectMany(a => a).ToList();
            Assert.All(statuses, status => Assert.True(status is "200" or "429", status));
            return (statuses.Count(s => s == "200"), statuses.Count(s => s == "429"),
                collectors.Sum(c => c.GetMeasurementSnapshot().EvaluateAsCounter()));
        }
        finally
        {
            foreach (var collector in collectors)
            {
                collector.Dispose();
            }

            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static Dictionary<string, string?> Settings(string prefix, int clientLimit) => new()
    {
        ["RateLimits:KeyPrefix"] = prefix,
        ["RateLimits:Client:PermitLimit"] = clientLimit.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Client:Window"] = "00:00:10",
    };
}
