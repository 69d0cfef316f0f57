using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatelessApp.Hosting.Health;

/// <summary>
/// A check of a shared server (Redis, the PostgreSQL primary) answered from its last completed run: each probe starts a
/// new run when none is under way and answers at once with the result before it; only the very first probe waits.
/// While the server is unreachable a run takes its whole budget (1-2 s), and a readiness probe that waited for it would
/// itself time out at the proxies on a busy machine, which then take every instance of the region out at once
/// (docs/failover.md). The answer may be one run old: these checks only ever degrade readiness, never fail it.
/// </summary>
internal sealed class LastKnownHealthCheck(IHealthCheck inner) : IHealthCheck
{
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _running;
    private HealthCheckResult? _last;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> running;
        HealthCheckResult? last;
        lock (_gate)
        {
            running = _running ??= RunAsync(context);
            last = _last;
        }

        return last is { } known ? Task.FromResult(known) : running.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// One run, shared by every probe that arrives meanwhile: not tied to any probe's cancellation (the inner check
    /// bounds itself), so a probe given up by its proxy does not waste the run for the next one.
    /// </summary>
    private async Task<HealthCheckResult> RunAsync(HealthCheckContext context)
    {
        await Task.Yield(); // the caller holds the gate: the run starts after it is recorded as running
        HealthCheckResult result;
        try
        {
            result = await inner.CheckHealthAsync(context, CancellationToken.None);
        }
        catch (Exception e)
        {
            // As the health check service itself reports a check that throws: the registration's failure status.
            result = new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }

        lock (_gate)
        {
            _last = result;
            _running = null;
        }

        return result;
    }
}
