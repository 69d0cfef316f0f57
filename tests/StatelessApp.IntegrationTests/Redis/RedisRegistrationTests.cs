using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Redis;

public sealed class RedisRegistrationTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Theory]
    [InlineData(null, "ConnectionStrings:Redis is required")]
    [InlineData("127.0.0.1:6379,nonsense=1", "ConnectionStrings:Redis is not a valid StackExchange.Redis configuration string")]
    public async Task Start_fails_fast_naming_the_setting(string? connectionString, string expected)
    {
        var builder = MinimalBuilder(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = connectionString });
        builder.AddRedis("Redis");
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Redis:NodeRegions is empty")]
    [InlineData("127.0.0.1:6379", "Redis:NodeRegions: \"127.0.0.1:6379\" is not host[:port]=region")]
    public async Task A_bad_Redis_NodeRegions_fails_the_start_naming_it(string nodeRegions, string expected)
    {
        var builder = MinimalBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:NodeRegions"] = nodeRegions,
        });
        builder.AddRedis("Redis");
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,password=x", "ca.crt", "Redis:CaCertificatePath is set but ConnectionStrings:Redis does not turn TLS on: add ssl=true")]
    [InlineData("127.0.0.1:6379,password=x,ssl=true", "missing.crt", "Redis:CaCertificatePath: no file at")]
    [InlineData("127.0.0.1:6379,password=x,ssl=true", "not-a-certificate.crt", "holds no certificate")]
    public async Task A_CA_that_cannot_be_used_fails_the_start_naming_the_setting(string connectionString, string caFile, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("redis-ca-setting-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "not-a-certificate.crt"), "not a certificate");
        var builder = MinimalBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = connectionString,
            ["Redis:CaCertificatePath"] = Path.Combine(folder, caFile),
        });
        builder.AddRedis("Redis");
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("Sessions:IdleTimeout", "00:00:00", "Sessions:IdleTimeout must be positive")]
    [InlineData("Sessions:CookieName", "bad name", "Sessions:CookieName must be")]
    [InlineData("KeyRing:ApplicationName", " ", "KeyRing:ApplicationName must be set")]
    public async Task Invalid_session_or_key_ring_settings_fail_at_start(string setting, string value, string expected)
    {
        var builder = MinimalBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            [setting] = value,
        });
        builder.AddRedis("Redis");
        builder.AddRedisKeyRing();
        builder.AddRedisSessions();
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_shared_multiplexer_with_fast_fail_defaults_and_a_ready_health_check()
    {
        var builder = MinimalBuilder(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString });
        builder.AddRedis("Redis");
        await using var app = builder.Build();
        await app.StartAsync();

        var multiplexer = app.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.Same(multiplexer, app.Services.GetRequiredService<IConnectionMultiplexer>());
        Assert.Equal(1000, multiplexer.TimeoutMilliseconds);

        var registration = Assert.Single(
            app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, check => check.Name == "redis");
        Assert.Contains(HealthTags.Ready, registration.Tags);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["redis"].Status);
    }

    [Fact]
    public async Task App_starts_while_Redis_is_down_and_the_health_check_says_so()
    {
        await using var down = new RedisServer(); // never started: nothing listens on its port
        var builder = MinimalBuilder(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = down.ConnectionString });
        builder.AddRedis("Redis");
        await using var app = builder.Build();
        await app.StartAsync();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Entries["redis"].Status);
    }

    [Fact]
    public async Task App_starts_while_no_Sentinel_answers_and_the_health_check_says_so()
    {
        await using var down = new RedisServer(); // only for a free port where nothing listens
        var builder = MinimalBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{down.Port},serviceName=stateless,password=x",
        });
        builder.AddRedis("Redis");
        await using var app = builder.Build();
        await app.StartAsync();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Entries["redis"].Status);
    }

    [Fact]
    public async Task Session_request_while_no_Sentinel_answers_is_a_503_then_works_once_a_Sentinel_answers()
    {
        await using var down = new RedisServer();
        await SessionTestApp.MigrateKeyRingAsync(redis); // the ring's first key, made before instances start
        await using var app = await SessionTestApp.StartAsync(redis, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{down.Port},serviceName=stateless,password={redis.Password}",
        }, migrate: false);
        var client = app.CreateClient(new Browser());

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/session/x", null)).StatusCode);
        Assert.Equal("untouched", await client.GetStringAsync("/untouched"));

        // Once a Sentinel answers, the app finds the primary by itself.
        await using var sentinel = await SentinelServer.StartAsync(redis, "stateless", down.Port);
        await Poll.UntilAsync("a session write to succeed through the Sentinel",
            async cancellationToken => (await client.PostAsync("/session/after-sentinel", null, cancellationToken)).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(20), interval: TimeSpan.FromMilliseconds(200));
        Assert.Equal("after-sentinel", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task Connects_through_Sentinel_when_the_string_names_a_service()
    {
        await using var sentinel = await SentinelServer.StartAsync(redis, "stateless");
        var builder = MinimalBuilder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{sentinel.Port},serviceName=stateless,password={redis.Password}",
        });
        builder.AddRedis("Redis");
        await using var app = builder.Build();
        await app.StartAsync();

        var db = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await db.StringSetAsync("via-sentinel", "yes");

        Assert.Equal("yes", (await (await redis.DatabaseAsync()).StringGetAsync("via-sentinel")).ToString());
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["redis"].Status);
    }

    private static WebApplicationBuilder MinimalBuilder(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(TestKeyRingCertificates.SharedSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        return builder;
    }
}
