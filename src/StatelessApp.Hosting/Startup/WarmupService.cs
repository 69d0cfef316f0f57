using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Startup;

/// <summary>
/// Runs the warm-up steps side by side in StartAsync, which WebApplication awaits before Kestrel listens: until they
/// are done the proxies' probes find no listener and keep the instance out. A step that fails is logged and skipped,
/// and past <see cref="WarmupOptions.Timeout"/> the instance starts anyway: readiness, not the warm-up, says whether a
/// server is missing. Stopping the host during the warm-up cancels it.
/// </summary>
internal sealed partial class WarmupService(
    IEnumerable<IWarmupStep> steps,
    IOptions<WarmupOptions> options,
    TimeProvider time,
    ILogger<WarmupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var all = steps.ToList();
        if (!settings.Enabled || all.Count == 0)
        {
            return;
        }

        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var running = all.Select(step => RunAsync(step, linked.Token)).ToList();
        // A step blocked in a synchronous connect ignores the token: past the deadline it goes on in the background.
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(Timeout.InfiniteTimeSpan, linked.Token));
        cancellationToken.ThrowIfCancellationRequested();

        var warm = running.Select(task => task.IsCompletedSuccessfully && task.Result).ToList();
        if (timeout.IsCancellationRequested)
        {
            LogTimedOut(settings.Timeout, string.Join(", ", all.Where((_, index) => !warm[index]).Select(step => step.Name)));
            return;
        }

        var succeeded = warm.Count(ok => ok);
        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        LogDone(all.Count, succeeded, elapsed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One step, logged; true when it succeeded. Never throws: a cold path is slower, not broken.</summary>
    private async Task<bool> RunAsync(IWarmupStep step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            // Off the starting thread: a step may block (StackExchange.Redis connects synchronously).
            await Task.Run(() => step.RunAsync(cancellationToken), cancellationToken);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            LogStepDone(step.Name, elapsed);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            LogStepFailed(step.Name, elapsed, e.GetType().Name, e.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Warm-up: {Step} ready in {ElapsedMs:0} ms")]
    private partial void LogStepDone(string step, double elapsedMs);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning,
        Message = "Warm-up: {Step} failed after {ElapsedMs:0} ms ({Error}: {Reason}); the instance starts anyway, its first requests pay for it")]
    private partial void LogStepFailed(string step, double elapsedMs, string error, string reason);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning,
        Message = "Warm-up: not done within Warmup:Timeout ({Timeout}), not warm: {Steps}; the instance starts anyway")]
    private partial void LogTimedOut(TimeSpan timeout, string steps);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information,
        Message = "Warm-up: {Succeeded} of {Steps} steps ready in {ElapsedMs:0} ms; accepting requests")]
    private partial void LogDone(int steps, int succeeded, double elapsedMs);
}
