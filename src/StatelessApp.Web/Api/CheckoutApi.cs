using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>POST /api/checkout: places the session's cart as an order on the primary → 201 with the order.</summary>
internal static class CheckoutApi
{
    public static RouteGroupBuilder MapCheckoutApi(this RouteGroupBuilder api)
    {
        api.MapPost("/checkout", async (HttpContext context, Checkout checkout) =>
        {
            var cart = await context.Session.LoadCartAsync(context.RequestAborted);
            var order = await checkout.PlaceOrderAsync(context.User.GetShopperId(), cart, context.RequestAborted);
            if (order is null)
            {
                return ApiProblems.Invalid("cart", "The cart is empty.");
            }

            cart.Clear();
            context.Session.SaveCart(cart);
            return Results.Created($"/api/orders/{order.Id}", OrderResponse.From(order));
        }).WithTags("Checkout");

        return api;
    }
}
