using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.UnitTests.Startup;

/// <summary>
/// The warm-up runs every step before start-up completes, and never keeps an instance from starting: a failed step is
/// logged and skipped, a step still running at Warmup:Timeout is left behind, and only a host stopping cancels it.
/// </summary>
public sealed class WarmupServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<WarmupService> _logger = new();

    [Fact]
    public async Task Every_step_runs_before_start_up_completes_and_a_failed_one_is_logged_not_thrown()
    {
        var redis = new Step("redis");
        var database = new Step("postgres ShopDbContext", _ => throw new InvalidOperationException("no primary answered"));

        await Service(new WarmupOptions { Timeout = Timeout }, redis, database).StartAsync(CancellationToken.None);

        Assert.Equal([1, 1], [redis.Runs, database.Runs]);
        var failed = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Level == LogLevel.Warning);
        Assert.Contains("postgres ShopDbContext failed", failed.Message, StringComparison.Ordinal);
        Assert.Contains("no primary answered", failed.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 2 steps ready", _logger.LatestRecord.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_still_running_at_the_timeout_is_left_behind_and_named()
    {
        var stuck = new TaskCompletionSource();
        var start = Service(new WarmupOptions { Timeout = Timeout }, new Step("redis", _ => stuck.Task)).StartAsync(CancellationToken.None);
        Assert.False(start.IsCompleted);

        _time.Advance(Timeout);
        await start;

        Assert.Equal(LogLevel.Warning, _logger.LatestRecord.Level);
        Assert.Contains("not warm: redis", _logger.LatestRecord.Message, StringComparison.Ordinal);
        stuck.SetResult();
    }

    [Fact]
    public async Task A_host_stopping_during_the_warm_up_cancels_start_up()
    {
        using var stopping = new CancellationTokenSource();
        var start = Service(new WarmupOptions { Timeout = Timeout }, new Step("redis", ct => Task.Delay(Timeout, _time, ct)))
            .StartAsync(stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
    }

    [Fact]
    public async Task Disabled_it_runs_no_step()
    {
        var redis = new Step("redis");

        await Service(new WarmupOptions { Enabled = false }, redis).StartAsync(CancellationToken.None);

        Assert.Equal(0, redis.Runs);
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    private WarmupService Service(WarmupOptions options, params IWarmupStep[] steps) =>
        new(steps, Options.Create(options), _time, _logger);

    private sealed class Step(string name, Func<CancellationToken, Task>? run = null) : IWarmupStep
    {
        public string Name => name;

        public int Runs { get; private set; }

        public Task RunAsync(CancellationToken cancellationToken)
        {
            Runs++;
            return run?.Invoke(cancellationToken) ?? Task.CompletedTask;
        }
    }
}
