using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// One instance's <see cref="SignInThrottle"/> as <c>AddRedisRateLimits</c> registers it, on a real Redis and the test's
/// clock; several hosts on one Redis are several instances. Each host counts under its own key prefix unless given one.
/// </summary>
public sealed class SignInThrottleHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SignInThrottleHost(IHost host, ListLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
    }

    public SignInThrottle Throttle => _host.Services.GetRequiredService<SignInThrottle>();

    public ListLoggerProvider Logs { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Settings for a host counting under a prefix of its own, with these two limits (window 15 min unless given).</summary>
    public static Dictionary<string, string?> Settings(int perAccount, int perClient, string window = "00:15:00") => new()
    {
        ["RateLimits:KeyPrefix"] = $"StatelessApp:RateLimit:{Guid.NewGuid():N}:",
        ["RateLimits:SignInPerAccount:PermitLimit"] = perAccount.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignInPerAccount:Window"] = window,
        ["RateLimits:SignInPerClient:PermitLimit"] = perClient.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignInPerClient:Window"] = window,
    };

    public static async Task<SignInThrottleHost> StartAsync(string redisConnectionString, TimeProvider time, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redisConnectionString });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton(time);
        builder.AddRedis("Redis");
        builder.AddRedisRateLimits();
        var host = builder.Build();
        await host.StartAsync();
        return new SignInThrottleHost(host, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
