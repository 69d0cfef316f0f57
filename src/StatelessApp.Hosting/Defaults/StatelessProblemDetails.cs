using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace StatelessApp.Hosting.Defaults;

internal static class StatelessProblemDetails
{
    /// <summary>
    /// ProblemDetails for every error answer, carrying the request's traceId and path: enough to find the log lines of
    /// a failed request, never the exception (no stack trace leaves the app).
    /// </summary>
    public static IServiceCollection AddStatelessProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
}
