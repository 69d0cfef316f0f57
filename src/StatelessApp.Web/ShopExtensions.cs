using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Api;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web;

/// <summary>The shop itself, on top of the hosting defaults: pages, API, shopper identity and accounts, bad-request answers.</summary>
public static class ShopExtensions
{
    public static IHostApplicationBuilder AddShop(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages();
        services.AddShopperIdentity();
        services.AddAccounts();                 // register, sign in/out, password, sign out everywhere (Accounts:*)

        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Unreadable API input (malformed JSON, wrong types) throws instead of a silent 400, so it is logged and
        // answered by BadRequestExceptionHandler like every other bad request.
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = ShopLimits.MaxRequestBodyBytes);

        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<Catalogue>();
        services.AddScoped<Checkout>();
        services.AddOrderCap();                 // RateLimits:Orders per shopper → 429
        services.AddScoped<OrderHistory>();
        services.AddScoped<StatusReporter>();
        services.AddSingleton<DatabaseNodesCache>();
        return builder;
    }

    /// <summary>
    /// After UseStatelessDefaults (its exception handler answers the 413 below as ProblemDetails, and its session
    /// middleware costs a request that never touches the session nothing): the body limit, static files (CSS: no
    /// session, no cookie) and the anonymous shopper cookie, issued on the first visit.
    /// </summary>
    public static IApplicationBuilder UseShop(this IApplicationBuilder app)
    {
        app.Use(RejectDeclaredOversizedBody);
        app.UseStaticFiles();
        app.UseShopperIdentity();
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
