using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Connects the replicated-writes multiplexer (the one WAIT runs on) when sessions require replica confirmations:
/// otherwise the first session write of a new instance opens it, with every concurrent write waiting behind it.
/// </summary>
internal sealed class RedisSessionWarmupStep(IServiceProvider services, IOptions<RedisSessionOptions> options) : IWarmupStep
{
    public string Name => "redis replicated writes";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RequiredReplicas == 0)
        {
            return;
        }

        var writes = services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites);
        await writes.GetDatabase().PingAsync(CommandFlags.DemandMaster).WaitAsync(cancellationToken);
    }
}
