using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Maps session failures to ProblemDetails: store unavailable → the 503 answer (<see cref="ServiceUnavailable"/>),
/// session too large → 413. Uses the app's IProblemDetailsService when registered.
/// </summary>
internal static class SessionProblemResponses
{
    internal const string UnavailableTitle = "Session store unavailable";

    /// <summary>The session exception in <paramref name="exception"/> or its inner exceptions, if any.</summary>
    public static Exception? FindSessionException(Exception exception) =>
        ExceptionChain.Find(exception, e => e is SessionUnavailableException or SessionTooLargeException);

    public static int StatusCodeFor(Exception sessionException) =>
        sessionException is SessionTooLargeException
            ? StatusCodes.Status413PayloadTooLarge
            : StatusCodes.Status503ServiceUnavailable;

    public static Task WriteAsync(HttpContext context, Exception sessionException)
    {
        // Drops whatever the app had set, including a Set-Cookie for a session that was never saved.
        context.Response.Clear();
        if (sessionException is not SessionTooLargeException)
        {
            return ServiceUnavailable.WriteAsync(context, UnavailableTitle,
                "Your session could not be loaded or saved right now, so this request was not completed. Please retry in a moment.");
        }

        return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Session too large",
                detail: "The session would exceed its size limit; the change was not saved.")
            .ExecuteAsync(context);
    }
}
