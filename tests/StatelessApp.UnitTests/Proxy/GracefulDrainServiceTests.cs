using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.Proxy;

namespace StatelessApp.UnitTests.Proxy;

public class GracefulDrainServiceTests
{
    [Fact]
    public async Task Draining_begins_the_moment_application_stopping_fires()
    {
        var (service, state, lifetime, _) = Create(TimeSpan.FromSeconds(1));
        await service.StartingAsync(CancellationToken.None);
        Assert.False(state.IsDraining);

        lifetime.StopApplication();

        Assert.True(state.IsDraining);
    }

    [Fact]
    public async Task Stopping_keeps_the_instance_up_for_the_drain_delay()
    {
        var (service, state, _, time) = Create(TimeSpan.FromMilliseconds(300));

        var stopping = service.StoppingAsync(CancellationToken.None);
        Assert.True(state.IsDraining);
        time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await stopping;
    }

    [Fact]
    public async Task Stopping_gives_up_the_delay_when_the_shutdown_budget_runs_out()
    {
        var (service, state, _, time) = Create(TimeSpan.FromSeconds(30));
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(100), time);

        var stopping = service.StoppingAsync(budget.Token);
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));

        await stopping;
        Assert.True(state.IsDraining);
    }

    private static (GracefulDrainService Service, DrainState State, FakeLifetime Lifetime, FakeTimeProvider Time) Create(TimeSpan drainDelay)
    {
        var state = new DrainState();
        var lifetime = new FakeLifetime();
        var time = new FakeTimeProvider();
        var options = Options.Create(new ProxyOptions { DrainDelay = drainDelay, DrainTimeout = drainDelay + TimeSpan.FromSeconds(10) });
        return (new GracefulDrainService(state, lifetime, options, time, NullLogger<GracefulDrainService>.Instance), state, lifetime, time);
    }

    private sealed class FakeLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
