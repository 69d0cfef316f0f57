using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Redis;

/// <summary>
/// The app's Redis building block against a real TLS-only Redis and Sentinel with the shipped ACL users: it finds the
/// primary through the Sentinel and does what the sessions and the key ring do, as the user <c>app</c>, checking both
/// servers' certificates against Redis:CaCertificatePath alone.
/// </summary>
public sealed class SecureRedisClientTests(SecureRedisWithSentinel redis) : IClassFixture<SecureRedisWithSentinel>
{
    [Fact]
    public async Task The_app_works_through_the_Sentinel_over_TLS_as_its_own_user_and_asks_for_nothing_it_is_denied()
    {
        await ResetAclLogsAsync();
        await using var app = await StartAsync(redis.CaCertificateFile);

        var db = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await db.StringSetAsync("StatelessApp:Session:tls-test", "yes", TimeSpan.FromMinutes(1));
        await db.ListRightPushAsync("StatelessApp:DataProtection-Keys-tls-test", "<key/>");
        var role = await db.ExecuteAsync("ROLE");
        var acknowledged = await db.ExecuteAsync("WAIT", 0, 100);

        Assert.Equal("yes", (await db.StringGetAsync("StatelessApp:Session:tls-test")).ToString());
        Assert.Single(await db.ListRangeAsync("StatelessApp:DataProtection-Keys-tls-test"));
        Assert.Equal(0, ReplicaAcknowledgement.OnlineReplicas(role));
        Assert.Equal(0, (long)acknowledged);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["redis"].Status);
        // Neither server logged a denial: the client's handshake (CONFIG and CLUSTER left out) fits the app's rights, so
        // a denial in ACL LOG is always worth a look.
        Assert.Equal("*0", await redis.AnswerAsync(redis.RedisPort, ["ACL", "LOG"]));
        Assert.Equal("*0", await redis.AnswerAsync(redis.SentinelPort, ["ACL", "LOG"]));
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        await using var app = await StartAsync(redis.OtherCaCertificateFile);

        var failure = Assert.Throws<RedisConnectionException>(() => app.Services.GetRequiredService<IConnectionMultiplexer>());

        SecurityAttempts.Record("app → Sentinel", "TLS connect trusting another CA (Redis:CaCertificatePath)", failure.Message, refused: true);
        Assert.Contains("No Sentinel", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Redis")]
    [InlineData("Sentinel")]
    public async Task Without_TLS_the_client_reaches_neither_server(string server)
    {
        var port = server == "Redis" ? redis.RedisPort : redis.SentinelPort;
        await using var plaintext = await ConnectionMultiplexer.ConnectAsync(
            $"127.0.0.1:{port},user=app,password={redis.Secrets.RedisAppPassword},abortConnect=false,connectTimeout=1000");

        SecurityAttempts.Record($"app → {server}", "StackExchange.Redis without ssl=true (right user and password)",
            plaintext.IsConnected ? "connected" : "no connection (the TLS port drops the plaintext handshake)", !plaintext.IsConnected);
        Assert.False(plaintext.IsConnected);
    }

    private async Task ResetAclLogsAsync()
    {
        Assert.Equal("+OK", await redis.AnswerAsync(redis.RedisPort, ["ACL", "LOG", "RESET"]));
        Assert.Equal("+OK", await redis.AnswerAsync(redis.SentinelPort, ["ACL", "LOG", "RESET"]));
    }

    private async Task<WebApplication> StartAsync(string caCertificateFile)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.AppConnectionString,
            ["Redis:CaCertificatePath"] = caCertificateFile,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.AddRedis("Redis");
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
