using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Sign-in attempts counted in the shared Redis, per client address (<see cref="RateLimitOptions.SignInPerClient"/>) and
/// per account name (<see cref="RateLimitOptions.SignInPerAccount"/>), by every instance of both regions: call it before
/// checking the password, so a paused attempt costs no password hash. The client is counted first and an attempt refused
/// by its address is not counted against the account: one address can pause at most
/// SignInPerClient / SignInPerAccount accounts per window. Fails closed: while Redis does not answer within
/// <see cref="RateLimitOptions.SignInTimeout"/> the attempt is refused (<see cref="SignInThrottleOutcome.Unavailable"/>), since
/// a sign-in cannot complete without Redis anyway and an outage must not open unthrottled guessing.
/// </summary>
public sealed class SignInThrottle
{
    private readonly IOptions<RateLimitOptions> _options;
    private readonly WindowLimits _limits;
    private readonly ILogger<SignInThrottle> _logger;
    private readonly OutageTally _refused;
    private readonly RateLimitMetrics _metrics;

    internal SignInThrottle(IOptions<RateLimitOptions> options, WindowLimits limits, TimeProvider time, RateLimitMetrics metrics, ILogger<SignInThrottle> logger)
    {
        _metrics = metrics;
        _options = options;
        _limits = limits;
        _logger = logger;
        _refused = new OutageTally(time);
    }

    /// <summary>Counts one sign-in attempt naming <paramref name="accountName"/> from <paramref name="client"/> (null: not counted by address).</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<SignInThrottleVerdict> CheckAsync(string accountName, IPAddress? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountName);
        var settings = _options.Value;
        if (!settings.Enabled)
        {
            return SignInThrottleVerdict.Allowed;
        }

        if (ClientPartition.Of(client) is { } address)
        {
            var byClient = await _limits.HitAsync(settings.KeyPrefix,
                [new(nameof(RateLimitOptions.SignInPerClient), settings.SignInPerClient, address)], settings.SignInTimeout, cancellationToken).ConfigureAwait(false);
            if (!byClient.Passed)
            {
                return Refusal(byClient, nameof(RateLimitOptions.SignInPerClient), SignInThrottleOutcome.ClientPaused);
            }
        }

        var byAccount = await _limits.HitAsync(settings.KeyPrefix,
            [new(nameof(RateLimitOptions.SignInPerAccount), settings.SignInPerAccount, AccountPartition.Of(accountName))], settings.SignInTimeout, cancellationToken).ConfigureAwait(false);
        return byAccount.Passed ? SignInThrottleVerdict.Allowed : Refusal(byAccount, nameof(RateLimitOptions.SignInPerAccount), SignInThrottleOutcome.AccountPaused);
    }

    private SignInThrottleVerdict Refusal(WindowVerdict verdict, string limit, SignInThrottleOutcome paused)
    {
        if (verdict.Unavailable is { } reason)
        {
            _metrics.RecordRefusal(limit, RateLimitMetrics.Unavailable);
            if (_refused.Add() is { } count)
            {
                RateLimitLog.SignInFailingClosed(_logger, reason, count);
            }

            return new SignInThrottleVerdict(SignInThrottleOutcome.Unavailable, ServiceUnavailable.RetryAfterSeconds);
        }

        _metrics.RecordRefusal(limit, RateLimitMetrics.Over);
        return new SignInThrottleVerdict(paused, verdict.RetryAfterSeconds);
    }
}
