using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Turns "the database is unreachable or changing roles, and the retries did not help" into 503 ProblemDetails
/// "database unavailable" with Retry-After, and one warning line instead of a 500 with a stack trace. Any other
/// exception is left to the next handler. Needs <c>app.UseExceptionHandler()</c> (and AddProblemDetails for the shape).
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientDatabaseFailure.IsDatabaseUnavailable(exception))
        {
            return false;
        }

        logger.LogWarning("Database unavailable, answering 503 to {Method} {Path}: {Reason}",
            httpContext.Request.Method, httpContext.Request.Path, TransientDatabaseFailure.Describe(exception));

        httpContext.Response.Headers.RetryAfter = "2";
        await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "database unavailable",
                detail: "The database cannot be reached right now (a failover may be in progress). Please try again shortly.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
