using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts one hit against several fixed-window limits in one Redis round trip (<see cref="RedisWindowCounter"/>), bounded
/// by a timeout linked to the caller's token, and says which limit is over first. Shared by the request limits
/// (<see cref="RateLimitMiddleware"/>, which fails open) and the sign-in throttle (<see cref="SignInThrottle"/>, which
/// fails closed): the choice on <see cref="WindowVerdict.Unavailable"/> is the caller's.
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

        var now = time.GetUtcNow();
        var windows = limits.Select(limit => new FixedWindow(limit.Policy.Window, now)).ToArray();
        var keys = limits.Select((limit, i) =>
            ($"{keyPrefix}{limit.Name}:{limit.Partition}:{windows[i].Index}", windows[i].CounterLifetime)).ToArray();

        long[] counts;
        using (var linked = new LinkedTimeout(timeout, time, cancellationToken))
        {
            try
            {
                counts = await linked.WaitAsync(counter.HitAsync(keys)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.TimedOut)
            {
                return WindowVerdict.NoAnswer($"did not answer within {timeout.TotalMilliseconds:0} ms");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return WindowVerdict.NoAnswer($"unavailable ({ex.GetType().Name})");
            }
        }

        for (var i = 0; i < limits.Count; i++)
        {
            var (name, policy, partition) = limits[i];
            if (counts[i] > policy.PermitLimit)
            {
                var retryAfter = windows[i].RetryAfterSeconds;
                if (counts[i] == policy.PermitLimit + 1)
                {
                    // Once per partition and window, whichever instance saw the first refusal: a flood does not flood the log.
                    RateLimitLog.LimitReached(logger, name, partition, policy.PermitLimit, policy.Window, retryAfter);
                }

                return WindowVerdict.Over(name, retryAfter);
            }
        }

        return WindowVerdict.Within;
    }
}
