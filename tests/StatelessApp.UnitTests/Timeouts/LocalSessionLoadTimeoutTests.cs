using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>
/// A load whose cookie carries a version asks the local node first (<see cref="RedisConnections.LocalReads"/>): a local
/// node that does not answer within Sessions:LocalReadTimeout sends the load on to the primary, within the same IOTimeout;
/// the caller's cancellation during the local attempt stays a cancellation and goes nowhere else.
/// </summary>
public sealed class LocalSessionLoadTimeoutTests : IDisposable
{
    private static readonly TimeSpan IOTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LocalReadTimeout = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<RedisSessionStore> _log = new();
    private readonly RedisSessionStore _store;
    private readonly MetricCollector<double> _durations;
    private readonly MetricCollector<long> _loads;

    public LocalSessionLoadTimeoutTests()
    {
        var services = new ServiceCollection().AddMetrics()
            .AddSingleton(SilentRedis.Multiplexer())
            .AddKeyedSingleton(RedisConnections.LocalReads, SilentRedis.Multiplexer())
            .BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = Options.Create(new RedisSessionOptions { RequiredReplicas = 0, IOTimeout = IOTimeout, LocalReadTimeout = LocalReadTimeout });
        _durations = new MetricCollector<double>(meters, SessionMetrics.MeterName, "statelessapp.sessions.operation.duration");
        _loads = new MetricCollector<long>(meters, SessionMetrics.MeterName, "statelessapp.sessions.loads");
        _store = new RedisSessionStore(services, options, new SessionCookieProtector(new EphemeralDataProtectionProvider()), _time,
            new SessionMetrics(meters), new RedisMetrics(meters), _log);
    }

    [Fact]
    public async Task A_silent_local_node_hands_the_load_to_the_primary_within_the_same_IOTimeout()
    {
        var load = _store.LoadAsync("session", cookieVersion: 3, CancellationToken.None);

        _time.Advance(LocalReadTimeout);
        Assert.False(load.IsCompleted);
        _time.Advance(IOTimeout - LocalReadTimeout);

        await Assert.ThrowsAsync<SessionUnavailableException>(() => load);
        Assert.Equal(["load/timeout", "local_load/timeout"],
            _durations.GetMeasurementSnapshot().Select(m => $"{m.Tags["operation"]}/{m.Tags["outcome"]}").Order());
    }

    [Fact]
    public async Task The_callers_cancellation_during_the_local_attempt_is_a_cancellation_and_asks_no_primary()
    {
        using var caller = new CancellationTokenSource();
        var load = _store.LoadAsync("session", cookieVersion: 3, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        Assert.Equal(["local_load/cancelled"], _durations.GetMeasurementSnapshot().Select(m => $"{m.Tags["operation"]}/{m.Tags["outcome"]}"));
        Assert.Empty(_loads.GetMeasurementSnapshot());
        Assert.Empty(_log.Lines);
    }

    public void Dispose()
    {
        _durations.Dispose();
        _loads.Dispose();
    }
}
