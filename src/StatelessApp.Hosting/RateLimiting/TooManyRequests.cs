using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// The one 429 answer: ProblemDetails titled "Too many requests", the limit's name in the extension <c>limit</c>,
/// and <c>Retry-After</c> in whole seconds (when the limit's window ends). The caller logs (once per window, not per request).
/// </summary>
public static class TooManyRequests
{
    public const string Title = "Too many requests";

    public static Task WriteAsync(HttpContext context, string limit, int retryAfterSeconds, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = Math.Max(1, retryAfterSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: Title,
                detail: detail,
                extensions: new Dictionary<string, object?> { ["limit"] = limit })
            .ExecuteAsync(context);
    }
}
