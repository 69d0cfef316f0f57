using Microsoft.EntityFrameworkCore;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Catalogue reads. They go to a standby (<see cref="ReadOnlyDbContext{TContext}"/>): products change only with
/// migrations, so a standby a moment behind the primary shows the same catalogue, and reads scale with standbys.
/// </summary>
public sealed class Catalogue(ReadOnlyDbContext<ShopDbContext> readOnly)
{
    private ShopDbContext Db => readOnly.Context;

    public Task<List<Product>> ListAsync(string? category, CancellationToken cancellationToken) =>
        Db.Products
            .Where(product => category == null || product.Category == category)
            .OrderBy(product => product.Category).ThenBy(product => product.Name)
            .ToListAsync(cancellationToken);

    public Task<Product?> FindAsync(int id, CancellationToken cancellationToken) =>
        Db.Products.FirstOrDefaultAsync(product => product.Id == id, cancellationToken);

    /// <summary>The cart with current names and prices; products that no longer exist are left out.</summary>
    public async Task<PricedCart> PriceAsync(Cart cart, CancellationToken cancellationToken)
    {
        if (cart.IsEmpty)
        {
            return PricedCart.Empty;
        }

        var ids = cart.Lines.Select(line => line.ProductId).ToArray();
        var products = await Db.Products
            .Where(product => ids.Contains(product.Id))
            .ToDictionaryAsync(product => product.Id, cancellationToken);

        var lines = cart.Lines
            .Where(line => products.ContainsKey(line.ProductId))
            .Select(line => new PricedCartLine(products[line.ProductId], line.Quantity))
            .ToList();
        return new PricedCart(lines);
    }
}
