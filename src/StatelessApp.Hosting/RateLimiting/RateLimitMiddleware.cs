using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Counts every request against the client-address limit and, when the request names a user, the user limit, in
/// Redis (one transaction for both), and answers 429 once either is over. Most requests do not wait for Redis: the
/// instance's tally decides them and the transaction is answered in the background (<see cref="RequestLimits"/>).
/// Endpoints marked <c>DisableRateLimiting()</c> (the health probes) are not counted. Fails open: a request whose hit
/// Redis does not answer passes unchecked (the proxies' edge limits still apply), with one warning per
/// <see cref="OutageTally.Period"/>.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next,
    IOptions<RateLimitOptions> options,
    RequestLimits requestLimits,
    RateLimitMetrics metrics)
{
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

        // An unavailable verdict passes (fail open); RequestLimits has counted and logged it.
        var verdict = await requestLimits.HitAsync(limits, context.RequestAborted);
        if (verdict.Exceeded is { } limit)
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
