using StatelessApp.Hosting.Requests;

namespace StatelessApp.Web.Api;

internal static class ShopApi
{
    /// <summary>
    /// The JSON API under /api. Responses are per shopper: never cached by anyone. Its writes answer only the shop's own
    /// origin and non-browser clients, and a POST must carry JSON (RequireSameOrigin): the cookies alone prove nothing.
    /// </summary>
    public static IEndpointRouteBuilder MapShopApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.RequireSameOrigin();
        api.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });

        api.MapProductsApi()
            .MapCartApi()
            .MapCheckoutApi()
            .MapOrdersApi()
            .MapShopperApi()
            .MapStatusApi();
        return endpoints;
    }
}
