using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Data;

public static class ReplicatedDbContextExtensions
{
    /// <summary>
    /// Service key of EF interceptors added to the PRIMARY instance only (e.g. the one that records the WAL position after
    /// a commit). Register them as keyed singletons before the first context is resolved.
    /// </summary>
    public const string PrimaryInterceptorsKey = "StatelessApp.Data.PrimaryInterceptors";

    /// <summary>Service key of EF interceptors added to the READ instance only.</summary>
    public const string ReadInterceptorsKey = "StatelessApp.Data.ReadInterceptors";

    /// <summary>
    /// Registers <typeparamref name="TContext"/> (scoped, on the writable primary, with a retrying execution strategy) and
    /// <see cref="ReadOnlyDbContext{TContext}"/> (scoped, on a standby when one is up), both over ONE multi-host data
    /// source built from <c>ConnectionStrings:{connectionName}</c>; <see cref="StandbyConfirmation{TContext}"/> for writes
    /// that must survive the primary's loss; the "postgres-primary" health check tagged <see cref="HealthTags.Ready"/>; and the 503 mappings for
    /// an unreachable database and an unconfirmed write. Settings: section <c>Database</c>, validated at start-up.
    /// </summary>
    /// <param name="configureContext">Extra EF configuration applied to both instances (interceptors, warnings...).</param>
    public static IHostApplicationBuilder AddReplicatedDbContext<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<DbContextOptionsBuilder>? configureContext = null)
        where TContext : DbContext
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var services = builder.Services;

        services.AddOptions<ReplicatedDatabaseOptions>(connectionName)
            .BindConfiguration(ReplicatedDatabaseOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.ConnectionString = configuration.GetConnectionString(connectionName);
                options.OwnerConnectionString = configuration.GetConnectionString(connectionName + ReplicatedDatabaseOptions.OwnerSuffix);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ReplicatedDatabaseOptions>, ReplicatedDatabaseOptionsValidator>());

        // Keyed by the context type: each replicated context has its own data source (and pools).
        services.AddKeyedSingleton<ReplicatedDataSource>(typeof(TContext), (provider, _) => ReplicatedDataSource.Create(
            connectionName, Options(provider, connectionName), provider.GetRequiredService<ILoggerFactory>()));

        // The primary instance: the ordinary DI registration, options built once (singleton) for the primary view.
        services.AddDbContext<TContext>(
            (provider, options) =>
            {
                Configure<TContext>(options, provider, connectionName, provider.GetReplicatedDataSource<TContext>().Primary, configureContext);
                options.AddInterceptors(provider.GetKeyedServices<IInterceptor>(PrimaryInterceptorsKey));
            },
            contextLifetime: ServiceLifetime.Scoped,
            optionsLifetime: ServiceLifetime.Singleton);

        // The read instance: options of its own, so it never collides with DbContextOptions<TContext> above.
        services.AddSingleton(provider =>
        {
            var options = new DbContextOptionsBuilder<TContext>();
            options.UseApplicationServiceProvider(provider);
            Configure<TContext>(options, provider, connectionName, dataSource: null, configureContext);
            options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
            options.AddInterceptors(new ReadOnlySaveChangesGuard(), new ReadRoutingInterceptor());
            options.AddInterceptors(provider.GetKeyedServices<IInterceptor>(ReadInterceptorsKey));
            return new ReadOnlyContextFactory<TContext>(options.Options);
        });
        services.TryAddScoped<IReadDataSourceSelector, PreferStandbyReadSelector>();
        services.AddScoped(provider => new ReadOnlyDbContext<TContext>(provider
            .GetRequiredService<ReadOnlyContextFactory<TContext>>()
            .Create(provider, provider.GetReplicatedDataSource<TContext>())));

        services.AddWarmupStep<DatabaseWarmupStep<TContext>>();
        services.TryAddSingleton<DataMetrics>();
        // Instance:Region picks the nodes a confirmation may ask in the instance's own region (Database:NodeRegions).
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName);
        services.AddSingleton(provider =>
        {
            var time = provider.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("StatelessApp.Hosting.Data.StandbyConfirmation");
            var region = provider.GetRequiredService<IOptions<InstanceOptions>>().Value.Region;
            return new StandbyConfirmation<TContext>(
                Options(provider, connectionName).StandbyConfirmationTimeout, time, logger, provider.GetRequiredService<DataMetrics>(),
                OwnRegionStandbys.In(provider.GetReplicatedDataSource<TContext>(), region, time, logger));
        });

        services.AddHealthChecks().AddLastKnownCheck(
            PrimaryDatabaseHealthCheck.Name,
            provider => new PrimaryDatabaseHealthCheck(
                provider.GetReplicatedDataSource<TContext>(), Options(provider, connectionName).HealthCheckTimeout),
            // Degraded, not Unhealthy: without a primary the instance still serves reads from a standby, and every
            // instance loses the primary at once during a failover; failing readiness would empty the proxies.
            HealthStatus.Degraded,
            [HealthTags.Ready]);

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, DatabaseUnavailableExceptionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, WriteNotConfirmedExceptionHandler>());
        return builder;
    }

    /// <summary>The data source behind <typeparamref name="TContext"/> (for raw Npgsql use, or a custom read rule).</summary>
    public static ReplicatedDataSource GetReplicatedDataSource<TContext>(this IServiceProvider provider)
        where TContext : DbContext =>
        provider.GetRequiredKeyedService<ReplicatedDataSource>(typeof(TContext));

    private static ReplicatedDatabaseOptions Options(IServiceProvider provider, string connectionName) =>
        provider.GetRequiredService<IOptionsMonitor<ReplicatedDatabaseOptions>>().Get(connectionName);

    private static void Configure<TContext>(
        DbContextOptionsBuilder options,
        IServiceProvider provider,
        string connectionName,
        NpgsqlDataSource? dataSource,
        Action<DbContextOptionsBuilder>? configureContext)
        where TContext : DbContext
    {
        var settings = Options(provider, connectionName);
        var replicated = provider.GetReplicatedDataSource<TContext>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<FailoverAwareExecutionStrategy>();
        var metrics = provider.GetRequiredService<DataMetrics>();
        void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
            npgsql.ExecutionStrategy(dependencies => new FailoverAwareExecutionStrategy(dependencies, replicated, settings, metrics, logger));

        if (dataSource is null)
        {
            // The read instance gets its connection per scope (ReadOnlyContextFactory), from the selected view.
            options.UseNpgsql(ConfigureNpgsql);
        }
        else
        {
            options.UseNpgsql(dataSource, ConfigureNpgsql);
        }

        configureContext?.Invoke(options);
    }
}
