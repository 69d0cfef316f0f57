using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts one hit against several fixed-window limits in one Redis round trip (<see cref="RedisWindowCounter"/>), bounded
/// by a timeout linked to the caller's token, and says which limit is over first. Used awaited by the sign-in throttle
/// (<see cref="SignInThrottle"/>, which fails closed) and, for the hits its tally cannot decide, by
/// <see cref="RequestLimits"/> (which fails open): the choice on <see cref="WindowVerdict.Unavailable"/> is the caller's.
/// </summary>
internal sealed class WindowLimits(RedisWindowCounter counter, TimeProvider time, ILogger<WindowLimits> logger)
{
    /// <exception cref="OperationCanceledException">The caller cancelled (not a timeout: that is <see cref="WindowVerdict.Unavailable"/>).</exception>
    public async Task<WindowVerdict> HitAsync(string keyPrefix, IReadOnlyList<WindowLimit> limits, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (limits.Count == 0)
        {
            return WindowVerdict.Within;
        }

        var windows = WindowsOf(limits);
        return await AwaitAsync(Send(keyPrefix, limits, windows), limits, windows, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The window each limit counts in now (windows are aligned on the epoch: every instance agrees).</summary>
    public FixedWindow[] WindowsOf(IReadOnlyList<WindowLimit> limits)
    {
        var now = time.GetUtcNow();
        return limits.Select(limit => new FixedWindow(limit.Policy.Window, now)).ToArray();
    }

    /// <summary>The Redis key of a limit's counter in a window.</summary>
    public static string KeyOf(string keyPrefix, WindowLimit limit, FixedWindow window) =>
        $"{keyPrefix}{limit.Name}:{limit.Partition}:{window.Index}";

    /// <inheritdoc cref="RedisWindowCounter.Connect"/>
    public void Connect() => counter.Connect();

    /// <summary>Sends one hit on every limit's counter; the task ends with the counters' new totals, in order.</summary>
    public Task<long[]> Send(string keyPrefix, IReadOnlyList<WindowLimit> limits, FixedWindow[] windows) =>
        counter.HitAsync(limits.Select((limit, i) => (KeyOf(keyPrefix, limit, windows[i]), windows[i].CounterLifetime)).ToArray());

    /// <summary>Waits for a sent hit's totals, at most <paramref name="timeout"/>, and takes the verdict from them.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<WindowVerdict> AwaitAsync(Task<long[]> hit, IReadOnlyList<WindowLimit> limits, FixedWindow[] windows,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        long[] counts;
        using (var linked = new LinkedTimeout(timeout, time, cancellationToken))
        {
            try
            {
                counts = await linked.WaitAsync(hit).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.TimedOut)
            {
                return WindowVerdict.NoAnswer($"did not answer within {timeout.TotalMilliseconds:0} ms");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return WindowVerdict.NoAnswer(Unavailable(ex));
            }
        }

        return VerdictOf(limits, windows, counts);
    }

    /// <summary>The reason given when a hit failed with <paramref name="failure"/>.</summary>
    public static string Unavailable(Exception failure) => $"unavailable ({failure.GetType().Name})";

    /// <summary>The first limit whose total is over it, or within; logs the limit reached once per partition and window.</summary>
    public WindowVerdict VerdictOf(IReadOnlyList<WindowLimit> limits, FixedWindow[] windows, IReadOnlyList<long> counts)
    {
        for (var i = 0; i < limits.Count; i++)
        {
            var (name, policy, partition) = limits[i];
            if (counts[i] > policy.PermitLimit)
            {
                var retryAfter = windows[i].RetryAfterSeconds;
                if (counts[i] == policy.PermitLimit + 1)
                {
                    // Once per partition and window, whichever instance sent the first hit over: a flood does not flood the log.
                    RateLimitLog.LimitReached(logger, name, partition, policy.PermitLimit, policy.Window, retryAfter);
                }

                return WindowVerdict.Over(name, retryAfter);
            }
        }

        return WindowVerdict.Within;
    }
}
