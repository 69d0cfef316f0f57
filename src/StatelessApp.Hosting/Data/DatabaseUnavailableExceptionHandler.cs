using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Turns "the database is unreachable or changing roles, and the retries did not help" into the 503 answer
/// (<see cref="ServiceUnavailable"/>, "Database unavailable"), and one warning line instead of a 500 with a stack trace.
/// Any other exception is left to the next handler. Needs <c>app.UseExceptionHandler()</c> (and AddProblemDetails for the shape).
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    internal const string Title = "Database unavailable";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientDatabaseFailure.IsDatabaseUnavailable(exception))
        {
            return false;
        }

        LogDatabaseUnavailable(httpContext.Request.Method, httpContext.Request.Path, TransientDatabaseFailure.Describe(exception));
        await ServiceUnavailable.WriteAsync(httpContext, Title,
            "The database cannot be reached right now (a failover may be in progress). Please try again shortly.");
        return true;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Database unavailable, answering 503 to {Method} {Path}: {Reason}")]
    private partial void LogDatabaseUnavailable(string method, PathString path, string reason);
}
