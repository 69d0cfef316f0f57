using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Failures;

/// <summary>
/// The one way to answer "not now, try again": 503 ProblemDetails whose title names what is missing in sentence case
/// ("Database unavailable", "Session store unavailable", "Write not confirmed"), a detail that tells the client what
/// became of its request, and the same <c>Retry-After</c> everywhere. Uses the app's IProblemDetailsService when one
/// is registered, so the body looks like every other problem response.
/// </summary>
public static class ServiceUnavailable
{
    /// <summary>
    /// Seconds in every 503's <c>Retry-After</c>: the outages behind them (a failover, a standby catching up) end in
    /// seconds, and clients cap and budget their pauses themselves; a longer value only delays them after it ended.
    /// </summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Writes the 503 answer; the caller has logged why (one line).</summary>
    public static Task WriteAsync(HttpContext context, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        SetRetryAfter(context.Response);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail)
            .ExecuteAsync(context);
    }

    /// <summary>For a 503 that is not ProblemDetails (the readiness probe while draining).</summary>
    public static void SetRetryAfter(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }
}
