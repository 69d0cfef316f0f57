using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Bench.Host;

/// <summary>
/// The bench host's <c>StateMode</c> (docs/benchmarks.md): it takes the place of exactly what AddStatelessDefaults adds
/// on top of AddBasicStatelessDefaults (AddRedisSessions, AddRedisKeyRing), so a benchmark compares builds that differ in
/// where the session and the key ring live and in nothing else: same endpoints, same Redis connection and health
/// checks, same database, same proxy. Either mode needs Microsoft's <c>UseSession()</c> in the pipeline.
/// </summary>
public static class StateModeExtensions
{
    /// <summary>Validates the setting at start-up and registers the mode's session and key ring.</summary>
    public static StateMode AddStateMode(this IHostApplicationBuilder builder)
    {
        var setting = builder.Configuration[StateModeOptions.SettingName];
        builder.Services.AddOptions<StateModeOptions>()
            .Configure(options => options.StateMode = setting)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateModeOptions>, StateModeOptionsValidator>());

        // An unset or unknown value composes the first mode; ValidateOnStart then stops the start naming the setting.
        var mode = StateModeOptions.Parse(setting) ?? StateMode.Stateful;
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

        builder.Services.AddHostedService<StateModeWarning>();
        return mode;
    }

    /// <summary>Microsoft's session middleware with this app's cookie name and idle timeout (section "Sessions").</summary>
    private static void AddStockSessions(IHostApplicationBuilder builder)
    {
        var sessions = builder.Configuration.GetSection(RedisSessionOptions.SectionName).Get<RedisSessionOptions>() ?? new RedisSessionOptions();
        builder.Services.AddSession(options =>
        {
            HostCookie.Apply(options.Cookie, sessions.CookieName);
            options.IdleTimeout = sessions.IdleTimeout;
        });
    }

    private static string KeyRingApplicationName(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>()?.ApplicationName ?? new KeyRingOptions().ApplicationName;
}
