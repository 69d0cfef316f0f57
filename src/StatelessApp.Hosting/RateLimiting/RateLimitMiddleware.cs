using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts every request against the client-address limit and, when the request names a user, the user limit, in
/// Redis (one round trip for both), and answers 429 once either is over. Endpoints marked <c>DisableRateLimiting()</c>
/// (the health probes) are not counted. Fails open: while Redis does not answer within
/// <see cref="RateLimitOptions.Timeout"/>, requests pass unchecked (the proxies' edge limits still apply), with one
/// warning per <see cref="FailOpenLogPeriod"/>.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next,
    IOptions<RateLimitOptions> options,
    RedisWindowCounter counter,
    TimeProvider time,
    ILogger<RateLimitMiddleware> logger)
{
    internal static readonly TimeSpan FailOpenLogPeriod = TimeSpan.FromSeconds(10);

    private readonly AtMostEvery _failOpenLog = new(FailOpenLogPeriod, time);
    private long _unchecked;

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        if (!settings.Enabled || context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        var limits = new List<(string Name, RateLimitPolicy Policy, string Partition)>(2);
        if (ClientPartition.Of(context.Connection.RemoteIpAddress) is { } client)
        {
            limits.Add((nameof(RateLimitOptions.Client), settings.Client, client));
        }

        if (await UserIdAsync(context, settings.UserIdClaim) is { } user)
        {
            limits.Add((nameof(RateLimitOptions.User), settings.User, user));
        }

        if (limits.Count > 0 && await FirstExceededAsync(context, settings, limits) is { } refusal)
        {
            await TooManyRequests.WriteAsync(context, refusal.Limit, refusal.RetryAfterSeconds,
                $"Over the {refusal.Limit} rate limit; retry after {refusal.RetryAfterSeconds} s.");
            return;
        }

        await next(context);
    }

    /// <summary>
    /// The user the request names, if any. This runs before the app's UseAuthentication, so it asks the default scheme
    /// itself; the handler keeps the result for the request, and UseAuthentication later reuses it.
    /// </summary>
    private static async Task<string?> UserIdAsync(HttpContext context, string claim)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true
            && context.RequestServices.GetService<IAuthenticationSchemeProvider>() is { } schemes
            && await schemes.GetDefaultAuthenticateSchemeAsync() is not null)
        {
            var result = await context.AuthenticateAsync();
            user = result.Principal ?? user;
        }

        return user.FindFirst(claim)?.Value is { Length: > 0 } id ? id : null;
    }

    private async Task<(string Limit, int RetryAfterSeconds)?> FirstExceededAsync(
        HttpContext context, RateLimitOptions settings, List<(string Name, RateLimitPolicy Policy, string Partition)> limits)
    {
        var now = time.GetUtcNow();
        var windows = limits.Select(limit => new FixedWindow(limit.Policy.Window, now)).ToArray();
        var keys = limits.Select((limit, i) =>
            ($"{settings.KeyPrefix}{limit.Name}:{limit.Partition}:{windows[i].Index}", windows[i].CounterLifetime)).ToArray();

        var counts = await CountAsync(keys, settings.Timeout, context.RequestAborted);
        if (counts is null)
        {
            return null;
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

                return (name, retryAfter);
            }
        }

        return null;
    }

    /// <summary>The counters' new values, or null when Redis did not answer in time (fail open).</summary>
    private async Task<long[]?> CountAsync((string Key, TimeSpan Lifetime)[] keys, TimeSpan timeout, CancellationToken aborted)
    {
        using var linked = new LinkedTimeout(timeout, time, aborted);
        try
        {
            return await linked.WaitAsync(counter.HitAsync(keys));
        }
        catch (OperationCanceledException) when (linked.TimedOut)
        {
            FailOpen($"did not answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            FailOpen($"unavailable ({ex.GetType().Name})");
        }

        return null;
    }

    private void FailOpen(string reason)
    {
        var count = Interlocked.Increment(ref _unchecked);
        if (_failOpenLog.Now())
        {
            RateLimitLog.FailingOpen(logger, reason, count);
            Interlocked.Add(ref _unchecked, -count);
        }
    }
}
