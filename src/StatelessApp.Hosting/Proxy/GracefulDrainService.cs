using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Proxy;

/// <summary>
/// Takes the instance out of the proxies' rotation before Kestrel stops accepting connections.
/// </summary>
/// <remarks>
/// Kestrel stops accepting new connections as soon as its hosted service stops (dotnet/aspnetcore#30387). A proxy
/// that has not probed since then still sends requests here and they are refused. So shutdown goes in this order:
/// <list type="number">
/// <item>ApplicationStopping: mark the instance draining; /health/ready answers 503 from now on.</item>
/// <item>StoppingAsync (runs before any hosted service's StopAsync, Kestrel's included): keep serving for
/// Proxy:DrainDelay, long enough for every proxy to probe at least once and stop sending new requests.</item>
/// <item>Kestrel's StopAsync: stop accepting and let in-flight requests finish within what is left of
/// HostOptions.ShutdownTimeout (= Proxy:DrainTimeout).</item>
/// </list>
/// </remarks>
internal sealed partial class GracefulDrainService(
    DrainState drainState,
    IHostApplicationLifetime lifetime,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    ILogger<GracefulDrainService> logger) : IHostedLifecycleService
{
    private CancellationTokenRegistration _stoppingRegistration;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The earliest signal of shutdown (SIGTERM, Ctrl+C, StopApplication): readiness must fail from here on.
        _stoppingRegistration = lifetime.ApplicationStopping.Register(BeginDraining);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Host.StopAsync also triggers ApplicationStopping first; calling again covers hosts stopped without it.
        BeginDraining();
        var delay = options.Value.DrainDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown budget ran out: stop waiting, the host goes on stopping.
        }

        LogDrainDelayOver(delay);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stoppingRegistration.Dispose();
        return Task.CompletedTask;
    }

    private void BeginDraining()
    {
        if (drainState.IsDraining)
        {
            return;
        }

        drainState.BeginDraining();
        LogDrainingStarted(options.Value.DrainDelay);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Shutdown started: draining, /health/ready now answers 503; still serving requests for {DrainDelay}")]
    private partial void LogDrainingStarted(TimeSpan drainDelay);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information,
        Message = "Drain delay of {DrainDelay} over: Kestrel stops accepting connections and finishes in-flight requests")]
    private partial void LogDrainDelayOver(TimeSpan drainDelay);
}
