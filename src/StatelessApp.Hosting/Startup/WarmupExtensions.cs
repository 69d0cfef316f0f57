using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace StatelessApp.Hosting.Startup;

public static class WarmupExtensions
{
    /// <summary>
    /// Runs every registered <see cref="IWarmupStep"/> before the server starts (WebApplication starts the app's hosted
    /// services before Kestrel), so a new instance joins the proxies warm: no first request waits for connections, the
    /// key ring or a model. Settings: section <c>Warmup</c>, validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddStartupWarmup(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WarmupOptions>()
            .BindConfiguration(WarmupOptions.SectionName)
            .Validate(options => options.Timeout > TimeSpan.Zero, $"{WarmupOptions.SectionName}:Timeout must be positive (e.g. 00:00:30).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WarmupService>());
        return builder;
    }

    /// <summary>Adds a step to the start-up warm-up (once per type).</summary>
    public static IServiceCollection AddWarmupStep<TStep>(this IServiceCollection services)
        where TStep : class, IWarmupStep
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWarmupStep, TStep>());
        return services;
    }
}
