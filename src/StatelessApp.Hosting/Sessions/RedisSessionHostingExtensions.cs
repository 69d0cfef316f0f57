using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Sessions;

public static class RedisSessionHostingExtensions
{
    /// <summary>
    /// Sessions in Redis behind the standard <c>HttpContext.Session</c>, configured by the "Sessions" section
    /// (IdleTimeout, CookieName, KeyPrefix, MaxSizeBytes). Needs <c>AddRedis</c>; use <c>AddRedisKeyRing</c>
    /// too so every instance can read the session cookie. Replaces Microsoft's AddSession/UseSession.
    /// </summary>
    public static IHostApplicationBuilder AddRedisSessions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<RedisSessionOptions>()
            .BindConfiguration(RedisSessionOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RedisSessionOptions>, RedisSessionOptionsValidator>());

        // Standalone this is a per-instance key ring; AddRedisKeyRing makes it the shared one.
        builder.Services.AddDataProtection();
        builder.Services.TryAddSingleton<SessionCookieProtector>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SessionMetrics>();
        builder.Services.TryAddSingleton<RedisMetrics>();
        builder.Services.TryAddSingleton<RedisSessionStore>();
        builder.Services.AddWarmupStep<RedisSessionWarmupStep>();
        return builder;
    }

    /// <summary>Adds the session middleware; place it before the endpoints that use <c>HttpContext.Session</c>.</summary>
    public static IApplicationBuilder UseRedisSessions(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RequiredServices.Require<IConnectionMultiplexer>(app, "UseRedisSessions needs builder.AddRedis(\"Redis\") (the shared Redis connection).");
        RequiredServices.Require<RedisSessionStore>(app, "UseRedisSessions needs builder.AddRedisSessions().");

        return app.UseMiddleware<RedisSessionMiddleware>();
    }
}
