using StatelessApp.TestKit.Time;

namespace StatelessApp.UnitTests.TestKit;

public class SkippingTimeProviderTests
{
    [Fact]
    public async Task Each_run_jumps_the_clock_to_exactly_the_timers_its_work_starts()
    {
        var time = new SkippingTimeProvider();
        var start = time.GetUtcNow();

        await time.RunAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(3), time);
            await Task.Delay(TimeSpan.FromMilliseconds(4), time);
            return true;
        });

        Assert.Equal(TimeSpan.FromMilliseconds(7), time.GetUtcNow() - start);
    }

    // The timeout only keeps a regression from hanging the run: the first run used to leave a read pending that took
    // the second run's first timer, so its delay never ended.
    [Fact(Timeout = 60_000)]
    public async Task A_second_run_on_the_same_clock_sees_its_own_timers()
    {
        var time = new SkippingTimeProvider();
        await time.RunAsync(() => Task.FromResult(0));
        var second = time.GetUtcNow();

        await time.RunAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time);
            return true;
        });

        Assert.Equal(TimeSpan.FromMilliseconds(5), time.GetUtcNow() - second);
    }
}
