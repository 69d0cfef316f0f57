using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>GET /api/orders, GET /api/orders/{id}: the shopper's own orders, read-your-writes from a standby.</summary>
internal static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");

        orders.MapGet("/", async (HttpContext context, OrderHistory history) =>
            TypedResults.Ok((await history.ListAsync(context.User.GetShopperId(), context.RequestAborted)).Select(OrderResponse.From)));

        orders.MapGet("/{id:guid}", async (Guid id, HttpContext context, OrderHistory history) =>
            await history.FindAsync(context.User.GetShopperId(), id, context.RequestAborted) is { } order
                ? Results.Ok(OrderResponse.From(order))
                : ApiProblems.OrderNotFound(id));

        return api;
    }
}
