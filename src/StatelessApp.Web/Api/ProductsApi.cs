using StatelessApp.Hosting.Consistency;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>GET /api/products[?category=Tea], GET /api/products/{id}: the catalogue, from a standby (opted out of read-your-writes).</summary>
internal static class ProductsApi
{
    public static RouteGroupBuilder MapProductsApi(this RouteGroupBuilder api)
    {
        // The catalogue changes only with migrations: a standby a moment behind is fine even right after a checkout.
        var products = api.MapGroup("/products").WithTags("Products").WithMetadata(new AllowStaleReadsAttribute());

        products.MapGet("/", async (string? category, Catalogue catalogue, CancellationToken cancellationToken) =>
            TypedResults.Ok((await catalogue.ListAsync(category, cancellationToken)).Select(ProductResponse.From)));

        products.MapGet("/{id:int}", async (int id, Catalogue catalogue, CancellationToken cancellationToken) =>
            await catalogue.FindAsync(id, cancellationToken) is { } product
                ? Results.Ok(ProductResponse.From(product))
                : ApiProblems.ProductNotFound(id));

        return api;
    }
}
