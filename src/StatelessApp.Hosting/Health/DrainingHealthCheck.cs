using Microsoft.Extensions.Diagnostics.HealthChecks;
using StatelessApp.Hosting.Proxy;

namespace StatelessApp.Hosting.Health;

/// <summary>Unhealthy once shutdown has begun, so proxies stop sending new requests before Kestrel stops accepting.</summary>
internal sealed class DrainingHealthCheck(DrainState drainState) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drainState.IsDraining
            ? HealthCheckResult.Unhealthy("Shutting down: draining.")
            : HealthCheckResult.Healthy());
}
