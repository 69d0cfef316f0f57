using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

public static class RateLimitingHostingExtensions
{
    /// <summary>
    /// Rate limits shared by every instance (section "RateLimits": per client address, per user), counted in the shared
    /// Redis without scripts, and the <see cref="SignInThrottle"/> a sign-in handler calls. Needs <c>AddRedis</c>. The 429
    /// answers: <see cref="TooManyRequests"/>.
    /// </summary>
    public static IHostApplicationBuilder AddRedisRateLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RedisWindowCounter>();
        builder.Services.TryAddSingleton<WindowLimits>();
        builder.Services.TryAddSingleton<RateLimitMetrics>();
        builder.Services.TryAddSingleton(services => new WindowTally(
            services.GetRequiredService<IOptions<RateLimitOptions>>().Value.TallyCapacity,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<RequestLimits>();
        builder.Services.TryAddSingleton(services => new SignInThrottle(
            services.GetRequiredService<IOptions<RateLimitOptions>>(),
            services.GetRequiredService<WindowLimits>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<RateLimitMetrics>(),
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignInThrottle>>()));
        return builder;
    }

    /// <summary>
    /// Adds the limits; place it after proxy support (the client's address) and before anything that costs state
    /// (the session), so a refused request costs at most one Redis round trip and nothing else.
    /// </summary>
    public static IApplicationBuilder UseRedisRateLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RequiredServices.Require<IConnectionMultiplexer>(app, "UseRedisRateLimits needs builder.AddRedis(\"Redis\") (the shared Redis connection).");
        RequiredServices.Require<RedisWindowCounter>(app, "UseRedisRateLimits needs builder.AddRedisRateLimits().");

        return app.UseMiddleware<RateLimitMiddleware>();
    }
}
