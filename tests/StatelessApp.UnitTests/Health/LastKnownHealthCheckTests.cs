using Microsoft.Extensions.Diagnostics.HealthChecks;
using StatelessApp.Hosting.Health;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.UnitTests.Health;

/// <summary>A probe never waits for a shared server's check once one run has finished; runs are never doubled.</summary>
public class LastKnownHealthCheckTests
{
    [Fact]
    public async Task The_first_probe_waits_for_the_first_run()
    {
        var inner = new GatedCheck();
        var check = new LastKnownHealthCheck(inner);

        var probe = check.CheckHealthAsync(Context());
        Assert.False(probe.IsCompleted);
        inner.Finish(HealthCheckResult.Healthy("first"));

        Assert.Equal("first", (await probe).Description);
    }

    [Fact]
    public async Task While_a_run_is_under_way_probes_answer_the_last_result_at_once_and_start_no_other_run()
    {
        var inner = new GatedCheck();
        var check = new LastKnownHealthCheck(inner);
        var context = Context();
        var first = check.CheckHealthAsync(context);
        inner.Finish(HealthCheckResult.Healthy("reachable"));
        await first;

        var duringRun = new[] { check.CheckHealthAsync(context), check.CheckHealthAsync(context), check.CheckHealthAsync(context) };

        Assert.All(duringRun, probe => Assert.True(probe.IsCompletedSuccessfully));
        Assert.All(duringRun, probe => Assert.Equal("reachable", probe.Result.Description));
        inner.Finish(HealthCheckResult.Degraded("unreachable"));
        await Poll.UntilAsync("the second run's result answered",
            async token => (await check.CheckHealthAsync(context, token)).Status == HealthStatus.Degraded, TimeSpan.FromSeconds(10));
        // The probe that saw "unreachable" started a third run, which never ends here: no fourth can start.
        await Poll.UntilAsync("the third run started", _ => Task.FromResult(inner.Runs == 3), TimeSpan.FromSeconds(10));
        Assert.Equal(1, inner.MostAtOnce);
    }

    [Fact]
    public async Task A_run_that_throws_answers_the_registrations_failure_status()
    {
        var check = new LastKnownHealthCheck(new ThrowingCheck());

        var result = await check.CheckHealthAsync(Context(HealthStatus.Degraded));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.IsType<InvalidOperationException>(result.Exception);
    }

    [Fact]
    public async Task A_first_probe_given_up_by_its_caller_leaves_the_run_to_the_next_probe()
    {
        var inner = new GatedCheck();
        var check = new LastKnownHealthCheck(inner);
        using var giveUp = new CancellationTokenSource();

        var first = check.CheckHealthAsync(Context(), giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var second = check.CheckHealthAsync(Context());
        inner.Finish(HealthCheckResult.Healthy("one run"));

        Assert.Equal("one run", (await second).Description);
        Assert.Equal(1, inner.Runs);
    }

    private static HealthCheckContext Context(HealthStatus failureStatus = HealthStatus.Unhealthy) => new()
    {
        Registration = new HealthCheckRegistration("shared-server", _ => throw new NotSupportedException(), failureStatus, tags: null),
    };

    /// <summary>A check whose runs end when the test says, in order; counts runs and how many were under way at once.</summary>
    private sealed class GatedCheck : IHealthCheck
    {
        private readonly Lock _gate = new();
        private readonly List<TaskCompletionSource<HealthCheckResult>> _results = [];
        private int _finished;
        private int _underWay;

        public int Runs { get; private set; }

        public int MostAtOnce { get; private set; }

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Task<HealthCheckResult> result;
            lock (_gate)
            {
                result = Result(Runs++).Task;
                MostAtOnce = Math.Max(MostAtOnce, ++_underWay);
            }

            try
            {
                return await result;
            }
            finally
            {
                lock (_gate)
                {
                    _underWay--;
                }
            }
        }

        /// <summary>Ends the oldest run not ended yet, whether it has started or not.</summary>
        public void Finish(HealthCheckResult result)
        {
            TaskCompletionSource<HealthCheckResult> finishing;
            lock (_gate)
            {
                finishing = Result(_finished++);
            }

            finishing.SetResult(result);
        }

        private TaskCompletionSource<HealthCheckResult> Result(int run)
        {
            while (_results.Count <= run)
            {
                _results.Add(new(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _results[run];
        }
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the server's client is broken");
    }
}
