using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.IntegrationTests.RateLimiting;

/// <summary>
/// The request limits decided from each instance's tally, on a real Redis: a request far below its limit is served while
/// its counter's transaction is still held by Redis (writes paused), and the answer updates the tally afterwards; a
/// flood from one client spread over two instances still gets exactly the limit, then 429 with Retry-After.
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
    public async Task A_flood_from_one_client_over_two_instances_gets_exactly_the_limit_then_429_with_Retry_After()
    {
        const int limit = 20;
        var time = new FakeTimeProvider(WindowStart);
        var settings = Settings($"StatelessApp:RateLimit:{Guid.NewGuid():N}:", clientLimit: limit);
        await using var app1 = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, settings);
        await using var app2 = await RateLimitTestApp.StartAsync(redis.ConnectionString, time, settings);
        RateLimitTestApp[] apps = [app1, app2];

        // Four connections, each sending to the two instances in turn, as a proxy balancing one client would.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
        {
            var seen = new List<string>();
            for (var i = 0; i < 25; i++)
            {
                using var response = await apps[(worker + i) % 2].GetAsync("192.0.2.41");
                seen.Add(response.StatusCode == HttpStatusCode.TooManyRequests
                    ? $"429 after {response.Headers.GetValues("Retry-After").Single()} s" : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }

            return seen;
        }));

        var statuses = answers.SelectMany(a => a).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["200"] = limit, ["429 after 10 s"] = 100 - limit }, statuses);
    }

    private static Dictionary<string, string?> Settings(string prefix, int clientLimit) => new()
    {
        ["RateLimits:KeyPrefix"] = prefix,
        ["RateLimits:Client:PermitLimit"] = clientLimit.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Client:Window"] = "00:00:10",
    };
}
