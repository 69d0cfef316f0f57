using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// One PING to the primary with a short deadline: cheap enough to run on every readiness probe, and it fails
/// within about a second while the connection is down (the command waits at most the 1 s deadline).
/// </summary>
internal sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Resolved here, inside the try: in Sentinel mode resolving throws while no Sentinel answers.
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            var latency = await redis.GetDatabase()
                .PingAsync(CommandFlags.DemandMaster)
                .WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // No exception object: probes run every few hundred ms, and a stack trace per probe drowns the log;
            // the connection-failed line from the multiplexer already says why.
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"Redis primary did not answer PING within {Timeout.TotalSeconds:0.#} s ({ex.GetType().Name})");
        }
    }
}
