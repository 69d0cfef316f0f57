using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Hosting.Redis;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.RateLimiting;

/// <summary>
/// The rate-limit counters and the memory warning as the app really runs them: through the Sentinel-made multiplexer,
/// over TLS, as the ACL user <c>app</c> of deploy/redis/users.acl (no @scripting), on a Redis started from the shipped
/// redis.conf (maxmemory, noeviction).
/// </summary>
public sealed class RateLimitRedisRightsTests(SecureRedisWithSentinel redis) : IClassFixture<SecureRedisWithSentinel>
{
    [Fact]
    public async Task The_counters_need_no_script_and_no_right_the_app_user_lacks()
    {
        Assert.Equal("+OK", await redis.AnswerAsync(redis.RedisPort, ["ACL", "LOG", "RESET"]));
        await using var app = await StartAsync();
        var counter = app.Services.GetRequiredService<RedisWindowCounter>();
        var key = $"StatelessApp:RateLimit:Client:192.0.2.1:{Guid.NewGuid():N}";

        var first = await counter.HitAsync([(key, TimeSpan.FromSeconds(30))]);
        var second = await counter.HitAsync([(key, TimeSpan.FromSeconds(30))]);
        var ttl = await app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyTimeToLiveAsync(key);
        var outside = await Assert.ThrowsAsync<RedisServerException>(() => counter.HitAsync([("Other:RateLimit:x", TimeSpan.FromSeconds(30))]));

        Assert.Equal([1L], first);
        Assert.Equal([2L], second);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30)); // set once (NX), by the first hit
        SecurityAttempts.Record("app → Redis", "rate-limit counter (MULTI/INCR/EXPIRE) on a key outside StatelessApp:*", outside.Message,
            refused: outside.Message.Contains("NOPERM", StringComparison.Ordinal) || outside.Message.Contains("EXECABORT", StringComparison.Ordinal));
        Assert.True(outside.Message.Contains("NOPERM", StringComparison.Ordinal) || outside.Message.Contains("EXECABORT", StringComparison.Ordinal), outside.Message);
        Assert.Equal(":0", await redis.AnswerAsync(redis.RedisPort, ["EXISTS", "Other:RateLimit:x"]));
    }

    [Fact]
    public async Task Readiness_turns_Degraded_before_Redis_reaches_maxmemory()
    {
        await using var app = await StartAsync();
        var health = app.Services.GetRequiredService<HealthCheckService>();
        var shipped = (await health.CheckHealthAsync(r => r.Name == "redis")).Entries["redis"];
        var primary = app.Services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Monitoring).GetServers().Single(server => !server.IsReplica);
        var used = RedisMemoryInfo.Parse(await primary.InfoRawAsync("memory") ?? "").UsedBytes;

        // Room left, but less than a fifth of the limit: past Redis:MemoryDegradedFraction (0.8).
        var limit = (used * 11 / 10).ToString(CultureInfo.InvariantCulture);
        Assert.Equal("+OK", await redis.AnswerAsync(redis.RedisPort, ["CONFIG", "SET", "maxmemory", limit]));
        HealthReportEntry nearlyFull;
        try
        {
            // A probe answers the check's last completed run (LastKnownHealthCheck): the one it starts sees the new limit.
            nearlyFull = await Poll.UntilAsync("the redis check to see the new maxmemory",
                async token => (await health.CheckHealthAsync(r => r.Name == "redis", token)).Entries["redis"],
                entry => entry.Status == HealthStatus.Degraded, TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            Assert.Equal("+OK", await redis.AnswerAsync(redis.RedisPort, ["CONFIG", "SET", "maxmemory", "256mb"]));
        }

        Assert.Equal(HealthStatus.Healthy, shipped.Status);
        Assert.Contains("of maxmemory 256.0 MB", shipped.Description, StringComparison.Ordinal); // the shipped redis.conf sets it
        Assert.Equal(HealthStatus.Degraded, nearlyFull.Status);
        Assert.Contains("Redis memory high", nearlyFull.Description, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.AppConnectionString,
            ["Redis:CaCertificatePath"] = redis.CaCertificateFile,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.AddRedis("Redis");
        builder.AddStatelessHealthChecks();
        builder.AddRedisRateLimits();
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
