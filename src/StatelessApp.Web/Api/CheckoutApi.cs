using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// POST /api/checkout: places the session's cart as an order on the primary → 201 with the order. With an
/// <c>Idempotency-Key</c> header the call is safe to resend: the same key returns the same order (201 again, marked
/// <c>Idempotent-Replayed: true</c>), never a second one. Like every write of the API it must carry a JSON body
/// (<c>{}</c>; the cart is the session's) or X-Requested-With, and no foreign Origin (ShopApi: RequireSameOrigin): a
/// cross-site form cannot place an order with the shopper's cookies.
/// </summary>
internal static class CheckoutApi
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapCheckoutApi(this RouteGroupBuilder api)
    {
        api.MapPost("/checkout", async (HttpContext context, Checkout checkout) =>
        {
            if (!IdempotencyKeyHeader.TryRead(context.Request, out var key, out var problem))
            {
                return problem;
            }

            var cart = await context.Session.LoadCartAsync(context.RequestAborted);
            var outcome = await checkout.PlaceOrderAsync(context.User.GetShopperId(), cart, key, context.RequestAborted);
            if (outcome is null)
            {
                return ApiProblems.Invalid("cart", "The cart is empty.");
            }

            if (outcome.IsReplay)
            {
                context.Response.Headers[ReplayedHeader] = "true";
            }

            await context.Session.CheckedOutAsync(cart, outcome, context.RequestAborted);

            return Results.Created($"/api/orders/{outcome.Order.Id}", OrderResponse.From(outcome.Order));
        }).WithTags("Checkout");

        return api;
    }
}
