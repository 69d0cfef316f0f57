using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Turns <see cref="WriteNotConfirmedException"/> into the 503 answer (<see cref="ServiceUnavailable"/>, "Write not
/// confirmed"). The confirmation already logged why (one line); the client is told the write may exist and that
/// repeating it, with the same idempotency key, is safe.
/// </summary>
internal sealed class WriteNotConfirmedExceptionHandler : IExceptionHandler
{
    internal const string Title = "Write not confirmed";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not WriteNotConfirmedException)
        {
            return false;
        }

        await ServiceUnavailable.WriteAsync(httpContext, Title,
            "The change was saved on the primary database but no standby confirmed it in time, so it is not acknowledged. "
            + "Repeat the request with the same Idempotency-Key: it will not be applied twice.");
        return true;
    }
}
