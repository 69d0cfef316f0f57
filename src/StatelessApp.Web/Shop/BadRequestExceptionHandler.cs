using Microsoft.AspNetCore.Diagnostics;

namespace StatelessApp.Web.Shop;

/// <summary>
/// A request the client got wrong (malformed body, body over the size limit, bad form data) is the client's
/// problem: answer with the status it carries (400, 413, ...) as ProblemDetails, log one line, never a 500.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        LogBadRequest(httpContext.Request.Method, httpContext.Request.Path, badRequest.StatusCode, badRequest.Message);
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Detail = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request body exceeds the limit of {ShopLimits.MaxRequestBodyBytes / 1024} KB."
                    : "The request could not be read. Check its syntax and content type.",
            },
        });
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Bad request {Method} {Path} → {StatusCode}: {Reason}")]
    private partial void LogBadRequest(string method, PathString path, int statusCode, string reason);
}
