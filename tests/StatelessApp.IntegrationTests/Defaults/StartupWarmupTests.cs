using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Defaults;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Defaults;

/// <summary>
/// The stateless defaults warm a new instance before Kestrel listens: Redis connected, the key ring read and the
/// database's pools and model ready, so the proxies never send a request to a cold instance (docs/operations.md).
/// </summary>
public sealed class StartupWarmupTests(RedisServer redis, PostgresCluster cluster) : IClassFixture<RedisServer>, IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Redis_the_key_ring_and_the_database_are_ready_before_the_server_listens()
    {
        var logs = new ListLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(SingleRedisSettings.Values);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Instance:Region"] = "a",
            ["Instance:Name"] = "app-1",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["ConnectionStrings:Notes"] = await cluster.CreateDatabaseAsync("startup_warmup"),
        });
        builder.AddStatelessDefaults();
        builder.AddReplicatedDbContext<NotesContext>("Notes");
        await using var app = builder.Build();

        await app.StartAsync();
        var lines = logs.Lines.Select(line => line.Message).ToList();
        await app.StopAsync();

        var warm = lines.FindIndex(line => line.StartsWith("Warm-up: ", StringComparison.Ordinal) && line.Contains("steps ready", StringComparison.Ordinal));
        var listening = lines.FindIndex(line => line.StartsWith("Now listening on", StringComparison.Ordinal));
        Assert.True(warm >= 0 && listening > warm, $"warm-up line {warm}, listening line {listening}: {string.Join(" | ", lines)}");
        Assert.StartsWith("Warm-up: 4 of 4 steps ready", lines[warm], StringComparison.Ordinal);
        foreach (var step in new[] { "redis", "redis replicated writes", "key ring", "postgres NotesContext" })
        {
            Assert.Contains(lines.Take(warm), line => line.StartsWith($"Warm-up: {step} ready in ", StringComparison.Ordinal));
        }

        Assert.True(app.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
    }
}
