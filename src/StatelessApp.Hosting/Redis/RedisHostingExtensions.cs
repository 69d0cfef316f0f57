using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Redis;

public static class RedisHostingExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> built from <c>ConnectionStrings:{connectionName}</c>
    /// (direct, or through Sentinel when the string has serviceName=...), validated at start-up, plus a
    /// health check named "redis" tagged <see cref="HealthTags.Ready"/>. With TLS (ssl=true), <c>Redis:CaCertificatePath</c>
    /// names the only CA the servers' certificates may chain to. With <c>Redis:NodeRegions</c> and <c>Instance:Region</c>,
    /// a direct connection to the own region's node(s), keyed <see cref="RedisConnections.LocalReads"/>.
    /// </summary>
    /// <remarks>
    /// Resolve the multiplexer when you use it, not in a singleton's constructor: in Sentinel mode, resolving it
    /// throws <see cref="RedisConnectionException"/> until a Sentinel answers (see <see cref="RedisConnector"/>).
    /// </remarks>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settingName = $"ConnectionStrings:{connectionName}";
        builder.Services.AddOptions<RedisConnectionOptions>()
            .Configure(options =>
            {
                options.SettingName = settingName;
                options.ConnectionString = builder.Configuration.GetConnectionString(connectionName);
                options.CaCertificatePath = builder.Configuration[options.CaCertificateSettingName] is { Length: > 0 } ca ? ca : null;
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RedisConnectionOptions>, RedisConnectionOptionsValidator>());

        builder.Services.AddOptions<RedisMemoryOptions>()
            .BindConfiguration(RedisMemoryOptions.SectionName)
            .Validate(memory => memory.MemoryDegradedFraction is > 0 and <= 1,
                $"{RedisMemoryOptions.SectionName}:MemoryDegradedFraction must be above 0 and at most 1 (e.g. 0.8).")
            .ValidateOnStart();

        // Redis:NodeRegions and Instance:Region choose the nodes of the local-reads connection (bound here too, as
        // AddConsistencyTokens does, so it works without the defaults' AddInstanceIdentity).
        builder.Services.AddOptions<RedisRegionOptions>().BindConfiguration(RedisRegionOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisRegionOptions>, RedisRegionOptionsValidator>());
        builder.Services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName);
        builder.Services.TryAddSingleton<LocalRedisNodes>();

        builder.Services.TryAddSingleton<RedisMetrics>();
        builder.Services.TryAddSingleton<RedisConnector>();
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(services => services.GetRequiredService<RedisConnector>().Connect());
        // Connected on first use only (a deployment that requires no replica acknowledgement never opens it).
        builder.Services.TryAddKeyedSingleton<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites,
            (services, _) => services.GetRequiredService<RedisConnector>().Connect());
        // Null (GetKeyedService) when no Redis node is in the instance's region: reads then stay on the shared connection.
        builder.Services.TryAddKeyedSingleton<IConnectionMultiplexer>(RedisConnections.LocalReads,
            (services, _) => services.GetRequiredService<LocalRedisNodes>().Nodes is { Count: > 0 } nodes
                ? services.GetRequiredService<RedisConnector>().ConnectDirect(nodes, RedisRegionOptions.SectionName + ":" + nameof(RedisRegionOptions.NodeRegions))
                : null!);
        builder.Services.TryAddKeyedSingleton<IConnectionMultiplexer>(RedisConnections.Monitoring,
            (services, _) => services.GetRequiredService<RedisConnector>().Connect(allowAdmin: true));

        // Degraded, not Unhealthy, when Redis does not answer or is nearly full: every instance shares it, so failing readiness would take
        // them all out of the proxies at once and turn "no cart" into "no site" (docs/failover.md).
        builder.Services.AddWarmupStep<RedisWarmupStep>();
        builder.Services.AddHealthChecks().AddLastKnownCheck("redis",
            services => ActivatorUtilities.CreateInstance<RedisHealthCheck>(services), HealthStatus.Degraded, [HealthTags.Ready]);
        return builder;
    }
}
