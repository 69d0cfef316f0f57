using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Operators;
using StatelessApp.Hosting.Proxy;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.RequestRates;
using StatelessApp.Hosting.Requests;
using StatelessApp.Hosting.Sessions;
using StatelessApp.Hosting.Startup;
using StatelessApp.Hosting.Telemetry;

namespace StatelessApp.Hosting.Defaults;

/// <summary>
/// What every stateless app wires the same way (the ServiceDefaults habit): <c>AddStatelessDefaults</c>,
/// <c>UseStatelessDefaults</c> and <c>MapStatelessDefaults</c>, so that an app's Program.cs adds only its own parts.
/// The data blocks (AddReplicatedDbContext, AddConsistencyTokens) stay in Program.cs: they name the app's own context.
/// </summary>
public static class StatelessDefaultsExtensions
{
    /// <summary>The Redis connection string's name (<c>ConnectionStrings:Redis</c>).</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>
    /// <see cref="AddBasicStatelessDefaults"/>, plus the state every instance shares: the session (the cart, a
    /// form's progress) in Redis and the DataProtection key ring in Redis, so that any instance reads what another wrote.
    /// </summary>
    public static IHostApplicationBuilder AddStatelessDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddBasicStatelessDefaults();
        builder.AddRedisRateLimits();   // per client address and per user, counted in Redis by every instance
        builder.AddRedisSessions();     // ISession in Redis, shared by every instance
        builder.AddRedisKeyRing();      // DataProtection keys shared by all: cookies, antiforgery
        return builder;
    }

    /// <summary>
    /// The defaults without a session or a key ring, for a host that brings its own (or keeps none): instance identity,
    /// OpenTelemetry, proxy support with graceful drain, request hardening and the operators' networks, the shared Redis connection,
    /// health checks, ProblemDetails answers and <c>__Host-</c> cookies.
    /// </summary>
    public static IHostApplicationBuilder AddBasicStatelessDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddInstanceIdentity();                  // X-Served-By: region/instance; in every log line too
        builder.AddStatelessTelemetry();                // OpenTelemetry traces, metrics, logs; /metrics; OTLP when configured
        builder.AddProxySupport();                      // trusted X-Forwarded-*, graceful drain on shutdown
        builder.AddRequestHardening();                  // AllowedHosts required outside Development, no Server header
        builder.AddOperatorNetworks();                  // Operators:Networks, for RequireOperatorNetwork()
        builder.AddRedis(RedisConnectionName);          // one multiplexer (Sentinel finds the primary)
        builder.AddRequestRates();                      // requests and errors per region, all instances, via Redis (/status)
        builder.AddStatelessHealthChecks();             // /health/live, /health/ready
        builder.AddStartupWarmup();                     // connections, key ring and models ready before the first request
        builder.Services.AddStatelessProblemDetails();  // errors as ProblemDetails with a traceId, never a stack trace
        builder.AddHostCookies();                       // the antiforgery cookie __Host-, Secure always
        return builder;
    }

    /// <summary>
    /// <see cref="UseBasicStatelessDefaults"/>, the rate limits (a refused request never reaches the session), then the
    /// Redis session around everything after it.
    /// </summary>
    public static IApplicationBuilder UseStatelessDefaults(this IApplicationBuilder app)
    {
        app.UseBasicStatelessDefaults();
        app.UseRedisRateLimits();
        app.UseRedisSessions();
        return app;
    }

    /// <summary>
    /// Proxy support first (everything after sees the client's address and scheme), the security headers, instance
    /// identity, then errors as ProblemDetails: exceptions (the blocks' handlers answer outages with 503; anything unknown
    /// is a 500 without details) and bare error statuses (404, 405...), in every environment; last the operators' check,
    /// whose 404 the status code pages dress like any other.
    /// </summary>
    public static IApplicationBuilder UseBasicStatelessDefaults(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseProxySupport();
        app.UseRequestRates();          // counts every answer by its final status (before the exception handler)
        app.UseSecurityHeaders();       // CSP, nosniff, Referrer-Policy, frame denial: on every answer
        app.UseInstanceIdentity();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseOperatorNetworks();      // operator-only endpoints: 404 to anyone else
        return app;
    }

    /// <summary>/health/live, /health/ready and, for the operators' networks, /metrics.</summary>
    public static IEndpointRouteBuilder MapStatelessDefaults(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapStatelessHealthChecks().MapStatelessTelemetry();
}
