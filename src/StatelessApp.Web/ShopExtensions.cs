using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StatelessApp.Hosting.Identity;
using StatelessApp.Web.Api;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web;

/// <summary>The shop itself, on top of the building blocks: pages, API, shopper identity, error answers.</summary>
public static class ShopExtensions
{
    public static IHostApplicationBuilder AddShop(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages();
        services.AddShopperIdentity();

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Enough to find the log lines of a failed request; never the exception (no stack traces leave the app).
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = ShopLimits.MaxRequestBodyBytes);

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Catalogue>();
        services.AddScoped<Checkout>();
        services.AddScoped<OrderHistory>();
        services.AddScoped<StatusReporter>();
        return builder;
    }

    /// <summary>
    /// Exceptions and bare error statuses become ProblemDetails with the right status (400, 404, 413, 503, ...),
    /// in every environment: an outage must look the same on a laptop as in production. The exception handlers
    /// registered by the building blocks (e.g. database unavailable → 503) run first; anything unknown is a 500
    /// ProblemDetails without details.
    /// </summary>
    public static IApplicationBuilder UseShopProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static IEndpointRouteBuilder MapShop(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapShopApi();
        return endpoints;
    }
}
