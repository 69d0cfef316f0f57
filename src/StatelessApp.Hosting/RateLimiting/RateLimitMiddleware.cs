using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts every request against the client-address limit and, when the request names a user, the user limit, in
/// Redis (one round trip for both, <see cref="WindowLimits"/>), and answers 429 once either is over. Endpoints marked <c>DisableRateLimiting()</c>
/// (the health probes) are not counted. Fails open: while Redis does not answer within
/// <see cref="RateLimitOptions.Timeout"/>, requests pass unchecked (the proxies' edge limits still apply), with one
/// warning per <see cref="OutageTally.Period"/>.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next,
    IOptions<RateLimitOptions> options,
    WindowLimits windowLimits,
    TimeProvider time,
    RateLimitMetrics metrics,
    ILogger<RateLimitMiddleware> logger)
{
    private readonly OutageTally _unchecked = new(time);

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        if (!settings.Enabled || context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        var limits = new List<WindowLimit>(2);
        if (ClientPartition.Of(context.Connection.RemoteIpAddress) is { } client)
        {
            limits.Add(new(nameof(RateLimitOptions.Client), settings.Client, client));
        }

        if (await UserIdAsync(context, settings.UserIdClaim) is { } user)
        {
            limits.Add(new(nameof(RateLimitOptions.User), settings.User, user));
        }

        var verdict = await windowLimits.HitAsync(settings.KeyPrefix, limits, settings.Timeout, context.RequestAborted);
        if (verdict.Unavailable is { } reason)
        {
            metrics.RecordUnchecked();
            if (_unchecked.Add() is { } count)
            {
                RateLimitLog.FailingOpen(logger, reason, count);
            }
        }
        else if (verdict.Exceeded is { } limit)
        {
            metrics.RecordRefusal(limit, RateLimitMetrics.Over);
            await TooManyRequests.WriteAsync(context, limit, verdict.RetryAfterSeconds,
                $"Over the {limit} rate limit; retry after {verdict.RetryAfterSeconds} s.");
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

}
