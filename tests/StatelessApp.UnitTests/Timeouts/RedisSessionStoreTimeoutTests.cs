using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>
/// The session store against a Redis that never answers: past Sessions:IOTimeout a load or save is the session block's
/// 503 (SessionUnavailableException) with one warning; the caller's cancellation stays a cancellation, unlogged.
/// </summary>
public sealed class RedisSessionStoreTimeoutTests
{
    private const int TimedOutEvent = 2007;
    private static readonly TimeSpan IOTimeout = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<RedisSessionStore> _log = new();
    private readonly RedisSessionStore _store;

    public RedisSessionStoreTimeoutTests()
    {
        var services = new ServiceCollection().AddSingleton(SilentRedis.Multiplexer()).BuildServiceProvider();
        var options = Options.Create(new RedisSessionOptions { RequiredReplicas = 0, IOTimeout = IOTimeout });
        _store = new RedisSessionStore(services, options, new SessionCookieProtector(new EphemeralDataProtectionProvider()), _time, _log);
    }

    [Fact]
    public async Task A_load_without_an_answer_within_IOTimeout_is_the_503_exception_with_one_warning()
    {
        var load = _store.LoadAsync("session", CancellationToken.None);

        _time.Advance(IOTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(load.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var failure = await Assert.ThrowsAsync<SessionUnavailableException>(() => load);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.InnerException);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal((LogLevel.Warning, TimedOutEvent), (warning.Level, warning.EventId));
        Assert.Contains("load", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_save_without_an_answer_within_IOTimeout_is_the_503_exception_with_one_warning()
    {
        var save = _store.SaveAsync("session", [1, 2, 3], CancellationToken.None);

        _time.Advance(IOTimeout);

        await Assert.ThrowsAsync<SessionUnavailableException>(() => save);
        Assert.Equal(TimedOutEvent, Assert.Single(_log.Warnings).EventId);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_as_a_cancellation_and_logs_nothing()
    {
        using var caller = new CancellationTokenSource();
        var load = _store.LoadAsync("session", caller.Token);
        var save = _store.SaveAsync("session", [1], caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task A_cancellation_after_the_timeout_ran_out_is_still_the_callers()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();
        _time.Advance(IOTimeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.LoadAsync("session", caller.Token));
        Assert.Empty(_log.Lines);
    }
}
