using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
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
        // Unreadable API input (malformed JSON, wrong types) throws instead of a silent 400, so it is logged and
        // answered by BadRequestExceptionHandler like every other bad request.
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = ShopLimits.MaxRequestBodyBytes);

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Catalogue>();
        services.AddScoped<Checkout>();
        services.AddScoped<OrderHistory>();
        services.AddScoped<StatusReporter>();
        return builder;
    }

    /// <summary>
    /// Exceptions and bare error statuses become ProblemDetails with the right status (400, 404, 413, 503, ...), in
    /// every environment: an outage must look the same on a laptop as in production. The exception handlers
    /// registered by the building blocks (e.g. database unavailable → 503) and the shop (bad request → 400/413) run
    /// first; anything unknown is a 500 ProblemDetails without details.
    /// </summary>
    public static IApplicationBuilder UseShopProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectDeclaredOversizedBody);
        return app;
    }

    /// <summary>
    /// Kestrel's MaxRequestBodySize only fails once the body is read, and the reader decides what that means: the
    /// antiforgery check reads a form body and reports any read error as a bad token (400). A body whose declared
    /// length is already over the limit is refused here, before anyone reads it, so it is always a 413.
    /// </summary>
    private static Task RejectDeclaredOversizedBody(HttpContext context, RequestDelegate next)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? ShopLimits.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                $"Request body of {context.Request.ContentLength} bytes is over the limit of {limit} bytes.",
                StatusCodes.Status413PayloadTooLarge);
        }

        return next(context);
    }

    public static IEndpointRouteBuilder MapShop(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapShopApi();
        return endpoints;
    }
}
