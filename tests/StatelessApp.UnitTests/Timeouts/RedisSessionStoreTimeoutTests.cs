using Microsoft.AspNetCore.DataProtection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>
/// The session store against a Redis that never answers: past Sessions:IOTimeout a load or save is the session block's
/// 503 (SessionUnavailableException) with one warning; the caller's cancellation stays a cancellation, unlogged. The
/// session meter tells the two apart (outcome timeout vs cancelled).
/// </summary>
public sealed class RedisSessionStoreTimeoutTests : IDisposable
{
    private const int TimedOutEvent = 2007;
    private static readonly TimeSpan IOTimeout = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<RedisSessionStore> _log = new();
    private readonly RedisSessionStore _store;
    private readonly MetricCollector<double> _durations;

    public RedisSessionStoreTimeoutTests()
    {
        var services = new ServiceCollection().AddMetrics().AddSingleton(SilentRedis.Multiplexer()).BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = Options.Create(new RedisSessionOptions { RequiredReplicas = 0, IOTimeout = IOTimeout });
        _durations = new MetricCollector<double>(meters, SessionMetrics.MeterName, "statelessapp.sessions.operation.duration");
        _store = new RedisSessionStore(services, options, new SessionCookieProtector(new EphemeralDataProtectionProvider()), _time,
            new SessionMetrics(meters), new RedisMetrics(meters), _log);
    }

    [Fact]
    public async Task A_load_without_an_answer_within_IOTimeout_is_the_503_exception_with_one_warning()
    {
        var load = _store.LoadAsync("session", null, CancellationToken.None);

        _time.Advance(IOTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(load.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var failure = await Assert.ThrowsAsync<SessionUnavailableException>(() => load);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.InnerException);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal((LogLevel.Warning, TimedOutEvent), (warning.Level, warning.EventId));
        Assert.Contains("load", warning.Message, StringComparison.Ordinal);
        var measured = Assert.Single(_durations.GetMeasurementSnapshot());
        Assert.Equal(("load", "timeout"), (measured.Tags["operation"], measured.Tags["outcome"]));
        Assert.Equal(IOTimeout.TotalSeconds, measured.Value);
    }

    [Fact]
    public async Task A_save_without_an_answer_within_IOTimeout_is_the_503_exception_with_one_warning()
    {
        var save = _store.SaveAsync("session", [1, 2, 3], CancellationToken.None);

        _time.Advance(IOTimeout);

        await Assert.ThrowsAsync<SessionUnavailableException>(() => save);
        Assert.Equal(TimedOutEvent, Assert.Single(_log.Warnings).EventId);
        var measured = Assert.Single(_durations.GetMeasurementSnapshot());
        Assert.Equal(("save", "timeout"), (measured.Tags["operation"], measured.Tags["outcome"]));
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_as_a_cancellation_and_logs_nothing()
    {
        using var caller = new CancellationTokenSource();
        var load = _store.LoadAsync("session", null, caller.Token);
        var save = _store.SaveAsync("session", [1], caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        Assert.Empty(_log.Lines);
        Assert.Equal(["load/cancelled", "save/cancelled"],
            _durations.GetMeasurementSnapshot().Select(m => $"{m.Tags["operation"]}/{m.Tags["outcome"]}").Order());
    }

    [Fact]
    public async Task A_cancellation_after_the_timeout_ran_out_is_still_the_callers()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();
        _time.Advance(IOTimeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.LoadAsync("session", null, caller.Token));
        Assert.Empty(_log.Lines);
    }

    public void Dispose() => _durations.Dispose();
}
