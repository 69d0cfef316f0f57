using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Proxy;

namespace StatelessApp.Hosting.Health;

public static class StatelessHealthChecksExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>
    /// Registers the health checks service and the "draining" readiness check. The Redis and PostgreSQL blocks add
    /// their own checks tagged <see cref="HealthTags.Ready"/>.
    /// </summary>
    public static IHostApplicationBuilder AddStatelessHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<DrainState>();
        builder.Services.AddHealthChecks()
            .AddCheck<DrainingHealthCheck>("draining", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// /health/live: the process answers (no checks; a restart would not fix a dependency outage).
    /// /health/ready: every check tagged <see cref="HealthTags.Ready"/> plus "not draining". 503 only when one is Unhealthy (draining), so
    /// proxies route around an instance that is going away; 200 "Degraded" when a shared server (Redis, the PostgreSQL
    /// primary) does not answer: the instance still serves what does not need it and answers 503 ProblemDetails for
    /// the rest, as every other instance would.
    /// Mapped in every environment; responses are never cached (the middleware sets no-store by default).
    /// </summary>
    public static IEndpointRouteBuilder MapStatelessHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = static (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
            },
        }).DisableHttpMetrics().DisableRateLimiting(); // the proxies probe every 500 ms: never refused, never counted

        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics().DisableRateLimiting();
        return endpoints;
    }
}
