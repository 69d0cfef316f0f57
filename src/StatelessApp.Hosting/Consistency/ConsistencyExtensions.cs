using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.Hosting.Consistency;

public static class ConsistencyExtensions
{
    /// <summary>
    /// Read-your-writes over standbys for <typeparamref name="TContext"/> (registered with AddReplicatedDbContext):
    /// commits on the primary context record the WAL position (response header <c>X-Consistency-Token</c> + session),
    /// and the read context goes to a standby only if it has replayed past the request's token (else waits up to
    /// <c>Consistency:MaxWait</c>, else the primary). With <c>Database:NodeRegions</c> and <c>Instance:Region</c>, reads
    /// stay in the instance's own region where they can (<see cref="RegionalReadRule"/>). Settings: section
    /// <c>Consistency</c>, validated at start-up.
    /// Needs the key ring (DataProtection) for the header and, for browsers, the session.
    /// </summary>
    public static IHostApplicationBuilder AddConsistencyTokens<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.Services.AddConsistencyTokens<TContext>();
        return builder;
    }

    /// <inheritdoc cref="AddConsistencyTokens{TContext}(IHostApplicationBuilder)"/>
    public static IServiceCollection AddConsistencyTokens<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddOptions<ConsistencyOptions>().BindConfiguration(ConsistencyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsistencyOptions>, ConsistencyOptionsValidator>());
        // Instance:Region places reads in the instance's own region (Database:NodeRegions); bound here too so the rule
        // works without the defaults' AddInstanceIdentity (binding twice sets the same values).
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName);

        services.AddHttpContextAccessor();
        services.AddDataProtection();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConsistencyMetrics>();
        services.TryAddSingleton<ConsistencyTokenProtector>();
        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<StandbyMonitor>(
            provider, provider.GetReplicatedDataSource<TContext>()));
        services.AddHostedService(provider => provider.GetRequiredService<StandbyMonitor>());

        services.TryAddScoped<ConsistencyScope>();
        services.Replace(ServiceDescriptor.Scoped<IReadDataSourceSelector, ConsistentReadSelector>());
        services.AddKeyedSingleton<IInterceptor, WritePositionRecorder>(ReplicatedDbContextExtensions.PrimaryInterceptorsKey);
        return services;
    }
}
