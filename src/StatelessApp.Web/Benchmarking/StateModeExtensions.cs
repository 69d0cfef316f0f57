using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Benchmarking;

/// <summary>
/// The benchmark-only <c>StateMode</c> switch (bench/, docs/benchmarks.md). Unset or <c>Stateless</c>, it registers
/// nothing and Program.cs adds the shipped blocks (AddRedisSessions, AddRedisKeyRing). The other modes replace exactly
/// those two blocks, so a benchmark compares builds that differ in where the session and the key ring live and in
/// nothing else: same endpoints, same Redis connection and health checks, same database, same proxy.
/// </summary>
public static class StateModeExtensions
{
    /// <summary>Validates the setting at start-up and registers the session and key ring of a benchmark-only mode.</summary>
    public static StateMode AddStateMode(this IHostApplicationBuilder builder)
    {
        var setting = builder.Configuration[StateModeOptions.SettingName];
        builder.Services.AddOptions<StateModeOptions>()
            .Configure(options => options.StateMode = setting)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateModeOptions>, StateModeOptionsValidator>());

        // An unknown value composes the shipped app; ValidateOnStart then stops the start naming the setting.
        var mode = StateModeOptions.Parse(setting) ?? StateMode.Stateless;
        switch (mode)
        {
            case StateMode.Stateful:
                builder.Services.AddDistributedMemoryCache();
                AddStockSessions(builder);
                builder.Services.AddDataProtection().SetApplicationName(KeyRingApplicationName(builder));
                builder.Services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new InstanceLocalKeyRepository());
                break;
            case StateMode.StockRedis:
                // The same multiplexer as everything else (AddRedis), so only the session provider differs.
                builder.Services.AddStackExchangeRedisCache(_ => { });
                builder.Services.AddOptions<RedisCacheOptions>()
                    .Configure<IServiceProvider>((cache, services) =>
                    {
                        cache.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
                        cache.InstanceName = "StatelessApp:StockSession:";
                    });
                AddStockSessions(builder);
                builder.AddRedisKeyRing();
                break;
        }

        if (mode != StateMode.Stateless)
        {
            builder.Services.AddHostedService<StateModeWarning>();
        }

        return mode;
    }

    /// <summary>Microsoft's session middleware with this app's cookie name and idle timeout (section "Sessions").</summary>
    private static void AddStockSessions(IHostApplicationBuilder builder)
    {
        var sessions = builder.Configuration.GetSection(RedisSessionOptions.SectionName).Get<RedisSessionOptions>() ?? new RedisSessionOptions();
        builder.Services.AddSession(options =>
        {
            options.Cookie.Name = sessions.CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.IsEssential = true;
            options.IdleTimeout = sessions.IdleTimeout;
        });
    }

    private static string KeyRingApplicationName(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>()?.ApplicationName ?? new KeyRingOptions().ApplicationName;
}
