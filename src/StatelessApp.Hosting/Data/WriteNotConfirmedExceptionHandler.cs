using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Turns <see cref="WriteNotConfirmedException"/> into 503 ProblemDetails with Retry-After. The confirmation already
/// logged why (one line); the client is told the write may exist and that repeating it, with the same idempotency key,
/// is safe.
/// </summary>
internal sealed class WriteNotConfirmedExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not WriteNotConfirmedException)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "1";
        await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "write not confirmed",
                detail: "The change was saved on the primary database but no standby confirmed it in time, so it is not acknowledged. "
                    + "Repeat the request with the same Idempotency-Key: it will not be applied twice.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
