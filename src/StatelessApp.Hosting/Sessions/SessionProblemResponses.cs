using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Maps session failures to ProblemDetails: store unavailable → 503 (with Retry-After), session too large → 413.
/// Uses the app's IProblemDetailsService when registered, so the body looks like every other problem response.
/// </summary>
internal static class SessionProblemResponses
{
    /// <summary>The session exception in <paramref name="exception"/> or its inner exceptions, if any.</summary>
    public static Exception? FindSessionException(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SessionUnavailableException or SessionTooLargeException)
            {
                return current;
            }
        }

        return null;
    }

    public static int StatusCodeFor(Exception sessionException) =>
        sessionException is SessionTooLargeException
            ? StatusCodes.Status413PayloadTooLarge
            : StatusCodes.Status503ServiceUnavailable;

    public static Task WriteAsync(HttpContext context, Exception sessionException)
    {
        // Drops whatever the app had set, including a Set-Cookie for a session that was never saved.
        context.Response.Clear();

        IResult problem;
        if (sessionException is SessionTooLargeException)
        {
            problem = Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Session too large",
                detail: "The session would exceed its size limit; the change was not saved.");
        }
        else
        {
            context.Response.Headers.RetryAfter = "1";
            problem = Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Session store unavailable",
                detail: "Your session could not be loaded or saved right now, so this request was not completed. Please retry in a moment.");
        }

        return problem.ExecuteAsync(context);
    }
}
