using Microsoft.Extensions.Options;

namespace StatelessApp.Bench.Host;

/// <summary>One warning at start-up, so that the bench host is never mistaken for the shipped app.</summary>
internal sealed partial class StateModeWarning(IOptions<StateModeOptions> options, ILogger<StateModeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogBenchmarkMode(logger, StateModeOptions.Parse(options.Value.StateMode) ?? StateMode.Stateful);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "StateMode={Mode}: the bench-only host (see docs/benchmarks.md), not the stateless app as shipped")]
    private static partial void LogBenchmarkMode(ILogger logger, StateMode mode);
}
