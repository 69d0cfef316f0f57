using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// The request limits' verdict without a Redis round trip on the request's path where the instance's
/// <see cref="WindowTally"/> suffices: a hit the tally grants is served at once and its Redis transaction answered in the
/// background (the answer updates the tally); a hit near a limit waits for Redis's count, exact as before; a counter Redis
/// already counted past its limit is refused without sending anything. Fails open: a hit granted or asked that Redis does
/// not answer (within <see cref="RateLimitOptions.Timeout"/> for an asked one) passes unchecked, counted by
/// <c>statelessapp.ratelimiting.unchecked</c> and one warning per <see cref="OutageTally.Period"/>.
/// </summary>
internal sealed class RequestLimits(
    WindowLimits windowLimits,
    WindowTally tally,
    IOptions<RateLimitOptions> options,
    TimeProvider time,
    RateLimitMetrics metrics,
    ILogger<RequestLimits> logger)
{
    private readonly OutageTally _unchecked = new(time);

    /// <summary>Counts one request's hit on <paramref name="limits"/>.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled while a hit near a limit waited for Redis.</exception>
    public async ValueTask<WindowVerdict> HitAsync(IReadOnlyList<WindowLimit> limits, CancellationToken cancellationToken)
    {
        if (limits.Count == 0)
        {
            return WindowVerdict.Within;
        }

        var settings = options.Value;
        var windows = windowLimits.WindowsOf(limits);
        var counters = new TalliedCounter[limits.Count];
        for (var i = 0; i < limits.Count; i++)
        {
            var permits = limits[i].Policy.PermitLimit;
            counters[i] = new(WindowLimits.KeyOf(settings.KeyPrefix, limits[i], windows[i]), permits,
                (int)Math.Floor(permits * settings.LocalShare), windows[i].End);
        }

        windowLimits.Connect(); // not under the tally's lock: the first resolution connects
        var (decision, over, ticket, sent) = tally.Take(counters, () => windowLimits.Send(settings.KeyPrefix, limits, windows));
        if (sent is not { } hit)
        {
            return WindowVerdict.Over(limits[over].Name, windows[over].RetryAfterSeconds);
        }

        var granted = decision == TallyDecision.Grant;
        _ = SettleAsync(hit, ticket, limits, windows, granted);
        if (granted)
        {
            return WindowVerdict.Within;
        }

        var verdict = await windowLimits.AwaitAsync(hit, limits, windows, settings.Timeout, cancellationToken).ConfigureAwait(false);
        if (verdict.Unavailable is { } reason)
        {
            FailedOpen(reason);
        }

        return verdict;
    }

    /// <summary>
    /// Brings the hit's answer into the tally, whenever it comes (StackExchange.Redis ends every command by its own
    /// timeout). Never faults: every exception of the hit is observed here, none reaches the unobserved-task event.
    /// </summary>
    private async Task SettleAsync(Task<long[]> hit, WindowTally.Ticket ticket, IReadOnlyList<WindowLimit> limits, FixedWindow[] windows, bool granted)
    {
        long[] totals;
        try
        {
            totals = await hit.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever failed (Redis, a disposed multiplexer at shutdown), the hit went unanswered; nothing awaits this task to rethrow to.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            tally.Unanswered(ticket);
            if (granted)
            {
                FailedOpen(WindowLimits.Unavailable(ex));
            }

            return;
        }

        tally.Answered(ticket, totals);
        if (granted)
        {
            // For the "limit reached" line only: the request was served already (an asked hit's request logs its own).
            _ = windowLimits.VerdictOf(limits, windows, totals);
        }
    }

    private void FailedOpen(string reason)
    {
        metrics.RecordUnchecked();
        if (_unchecked.Add() is { } count)
        {
            RateLimitLog.FailingOpen(logger, reason, count);
        }
    }
}
