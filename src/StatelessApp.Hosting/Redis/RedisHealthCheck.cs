using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// One PING and one INFO memory to the primary, concurrently, with a short deadline: cheap enough to run on every
/// readiness probe, and it fails within about a second while the connection is down (the commands wait at most the
/// 1 s deadline). Degraded as well once used_memory reaches <see cref="RedisMemoryOptions.MemoryDegradedFraction"/> of
/// maxmemory: with noeviction, writes (new sessions, cart changes) fail for everyone at the limit, so operators hear of
/// it before. Degraded, not Unhealthy: every instance shares the one Redis, so refusing readiness would take them all
/// out of the proxies at once (and the framework logs every Degraded probe with this description).
/// </summary>
internal sealed class RedisHealthCheck(IServiceProvider services, IOptions<RedisMemoryOptions> memory) : IHealthCheck
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Resolved here, inside the try: in Sentinel mode resolving throws while no Sentinel answers.
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            var ping = redis.GetDatabase().PingAsync(CommandFlags.DemandMaster);
            var monitoring = services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Monitoring);
            var info = monitoring.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica)?.InfoRawAsync("memory")
                ?? Task.FromResult<string?>(null);
            await Task.WhenAll(ping, info).WaitAsync(Timeout, cancellationToken);

            var latency = $"PING {(await ping).TotalMilliseconds:0.0} ms";
            var usage = RedisMemoryInfo.Parse(await info ?? string.Empty);
            if (usage.UsedFraction is not { } fraction)
            {
                return HealthCheckResult.Healthy($"{latency}; no maxmemory");
            }

            var used = $"used_memory {Megabytes(usage.UsedBytes)} of maxmemory {Megabytes(usage.MaxBytes)} ({fraction:P0})";
            return fraction >= memory.Value.MemoryDegradedFraction
                ? HealthCheckResult.Degraded(
                    $"{latency}; Redis memory high: {used}, at or over {RedisMemoryOptions.SectionName}:MemoryDegradedFraction " +
                    $"({memory.Value.MemoryDegradedFraction.ToString(CultureInfo.InvariantCulture)}); at maxmemory new sessions and cart changes fail")
                : HealthCheckResult.Healthy($"{latency}; {used}");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // No exception object: probes run every few hundred ms, and a stack trace per probe drowns the log;
            // the connection-failed line from the multiplexer already says why.
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"Redis primary did not answer PING within {Timeout.TotalSeconds:0.#} s ({ex.GetType().Name})");
        }
    }

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024):0.0} MB";
}
