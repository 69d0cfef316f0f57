using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// POST /api/checkout: places the session's cart as an order on the primary → 201 with the order. With an
/// <c>Idempotency-Key</c> header the call is safe to resend: the same key returns the same order (201 again, marked
/// <c>Idempotent-Replayed: true</c>), never a second one.
/// </summary>
internal static class CheckoutApi
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapCheckoutApi(this RouteGroupBuilder api)
    {
        api.MapPost("/checkout", async (HttpContext context, Checkout checkout) =>
        {
            var keys = context.Request.Headers[IdempotencyKey.HeaderName];
            if (keys.Count > 1)
            {
                return ApiProblems.Invalid(IdempotencyKey.HeaderName, "Send one idempotency key, not several.");
            }

            var key = keys.Count == 1 ? keys[0] : null;
            if (key is not null && !IdempotencyKey.IsValid(key, out var problem))
            {
                return ApiProblems.Invalid(IdempotencyKey.HeaderName, problem);
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

            if (outcome.ShouldEmpty(cart))
            {
                cart.Clear();
                context.Session.SaveCart(cart);
            }

            return Results.Created($"/api/orders/{outcome.Order.Id}", OrderResponse.From(outcome.Order));
        }).WithTags("Checkout");

        return api;
    }
}
