using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.Operators;

/// <summary>
/// Answers 404 (not 403: an outsider must not learn that the endpoint exists) for an operator-only endpoint
/// (<see cref="RequireOperatorNetworkAttribute"/>) asked by a client outside the operators' networks. The empty 404 is
/// turned into the same ProblemDetails as any unknown path by the status code pages.
/// </summary>
internal sealed partial class OperatorNetworkMiddleware(RequestDelegate next, OperatorNetworks operators, ILogger<OperatorNetworkMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireOperatorNetworkAttribute>() is null
            || operators.Contains(context.Connection.RemoteIpAddress))
        {
            return next(context);
        }

        LogRefused(context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    // Information, not Warning: a scan of the internet must not flood the log with warnings.
    [LoggerMessage(EventId = 8201, Level = LogLevel.Information,
        Message = "Operator-only {Method} {Path} asked from {Client}, outside Operators:Networks: answered 404")]
    private partial void LogRefused(string method, PathString path, System.Net.IPAddress? client);
}
