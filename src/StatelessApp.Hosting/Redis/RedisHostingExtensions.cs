using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

public static class RedisHostingExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> built from <c>ConnectionStrings:{connectionName}</c>
    /// (direct, or through Sentinel when the string has serviceName=...), validated at start-up, plus a
    /// health check named "redis" tagged "ready".
    /// </summary>
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
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RedisConnectionOptions>, RedisConnectionOptionsValidator>());

        builder.Services.TryAddSingleton<IConnectionMultiplexer>(CreateMultiplexer);

        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    private static ConnectionMultiplexer CreateMultiplexer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RedisConnectionOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("StatelessApp.Hosting.Redis");
        var configuration = RedisConfiguration.Create(options.ConnectionString!);

        // With serviceName set, Connect asks the Sentinels for the current primary and follows switch-master.
        // AbortOnConnectFail=false: returns even when nothing answers, and keeps reconnecting in the background.
        var redis = ConnectionMultiplexer.Connect(configuration);
        RedisConnectionLog.Attach(redis, logger);
        var endPoints = string.Join(' ', configuration.EndPoints.Select(endPoint => endPoint.ToString()));
        var sentinel = configuration.ServiceName is { } service ? $", Sentinel service {service}" : string.Empty;
        RedisConnectionLog.Created(logger, options.SettingName, endPoints, sentinel, redis.IsConnected);
        return redis;
    }
}
