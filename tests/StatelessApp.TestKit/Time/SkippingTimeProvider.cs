using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace StatelessApp.TestKit.Time;

/// <summary>
/// A fake clock that moves on only when the code under test waits: <see cref="RunAsync{T}"/> advances it to each timer
/// as the timer is started, so pauses and budgets are exact and cost no real time.
/// </summary>
public sealed class SkippingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _started.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Runs the work to completion, jumping the clock to each timer it starts. May be called again after.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var running = Task.Run(work);
        while (true)
        {
            // Waits without taking: a read left pending when the work ends would swallow the next run's first timer.
            var started = _started.Reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(running, started) == running)
            {
                return await running;
            }

            while (_started.Reader.TryRead(out var dueTime))
            {
                Advance(dueTime);
            }
        }
    }
}
