using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Connects the shared, the monitoring and (when configured) the local-reads multiplexers and PINGs the primary. Connecting is synchronous in
/// StackExchange.Redis: left to the first requests, each of them blocks a pool thread on the container's lock until
/// the TLS handshakes with every Sentinel and Redis node are done.
/// </summary>
internal sealed class RedisWarmupStep(IServiceProvider services) : IWarmupStep
{
    public string Name => "redis";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        _ = services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Monitoring);
        _ = services.GetKeyedService<IConnectionMultiplexer>(RedisConnections.LocalReads);
        await redis.GetDatabase().PingAsync(CommandFlags.DemandMaster).WaitAsync(cancellationToken);
    }
}
