using StatelessApp.Hosting.Consistency;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// The cart, kept in the session (Redis). Every change answers with the whole priced cart.
/// JSON bodies only: a cross-site form cannot send application/json without a CORS preflight, which this API
/// does not grant, so the cookie-bound endpoints need no antiforgery token (the Razor forms have one).
/// </summary>
internal static class CartApi
{
    public static RouteGroupBuilder MapCartApi(this RouteGroupBuilder api)
    {
        // Reads here are catalogue prices for display (checkout re-reads them on the primary): no need to wait for a
        // standby to replay the shopper's last order.
        var cart = api.MapGroup("/cart").WithTags("Cart").WithMetadata(new AllowStaleReadsAttribute());

        cart.MapGet("/", async (HttpContext context, Catalogue catalogue) =>
        {
            var current = await context.Session.LoadCartAsync(context.RequestAborted);
            return TypedResults.Ok(CartResponse.From(await catalogue.PriceAsync(current, context.RequestAborted)));
        });

        // Adding is not idempotent (twice is two more), so a client may repeat it only with an Idempotency-Key: the
        // session remembers the keys of its latest additions, and a repeat answers the cart as it is, marked replayed.
        cart.MapPost("/items", async (AddCartItemRequest request, HttpContext context, Catalogue catalogue) =>
        {
            if (!IdempotencyKeyHeader.TryRead(context.Request, out var key, out var keyProblem))
            {
                return keyProblem;
            }

            if (request.ProductId <= 0)
            {
                return ApiProblems.Invalid("productId", "productId must be a positive product id.");
            }

            if (request.Quantity is < 1 or > Cart.MaxQuantityPerLine)
            {
                return ApiProblems.Invalid(CartChange.InvalidQuantity, "quantity");
            }

            if (await catalogue.FindAsync(request.ProductId, context.RequestAborted) is null)
            {
                return ApiProblems.ProductNotFound(request.ProductId);
            }

            var current = await context.Session.LoadCartAsync(context.RequestAborted);
            if (key is not null && context.Session.HasApplied(key))
            {
                context.Response.Headers[CheckoutApi.ReplayedHeader] = "true";
                return Results.Ok(CartResponse.From(await catalogue.PriceAsync(current, context.RequestAborted)));
            }

            var change = current.Add(request.ProductId, request.Quantity);
            if (change != CartChange.Done)
            {
                return ApiProblems.Invalid(change, change == CartChange.TooManyLines ? "productId" : "quantity");
            }

            context.Session.SaveCart(current);
            if (key is not null)
            {
                context.Session.RecordApplied(key);
            }
            return Results.Ok(CartResponse.From(await catalogue.PriceAsync(current, context.RequestAborted)));
        });

        cart.MapPut("/items/{productId:int}", async (int productId, UpdateCartItemRequest request, HttpContext context, Catalogue catalogue) =>
        {
            var current = await context.Session.LoadCartAsync(context.RequestAborted);
            var change = current.SetQuantity(productId, request.Quantity);
            if (change == CartChange.InvalidQuantity)
            {
                return ApiProblems.Invalid(change, "quantity");
            }

            if (change == CartChange.NotInCart)
            {
                return ApiProblems.NotInCart(productId);
            }

            context.Session.SaveCart(current);
            return Results.Ok(CartResponse.From(await catalogue.PriceAsync(current, context.RequestAborted)));
        });

        cart.MapDelete("/items/{productId:int}", async (int productId, HttpContext context, Catalogue catalogue) =>
        {
            var current = await context.Session.LoadCartAsync(context.RequestAborted);
            if (current.Remove(productId) == CartChange.NotInCart)
            {
                return ApiProblems.NotInCart(productId);
            }

            context.Session.SaveCart(current);
            return Results.Ok(CartResponse.From(await catalogue.PriceAsync(current, context.RequestAborted)));
        });

        return api;
    }
}
