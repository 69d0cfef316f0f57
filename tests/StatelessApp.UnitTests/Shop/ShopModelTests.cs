using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using StatelessApp.Web.Data;

namespace StatelessApp.UnitTests.Shop;

public class ShopModelTests
{
    [Fact]
    public void Migrations_match_the_model()
    {
        using var db = CreateContext();

        // A model change without `dotnet ef migrations add` would reach production without its schema change.
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void Seed_is_36_products_with_unique_skus_and_positive_prices()
    {
        using var db = CreateContext();
        var seeded = db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Product))!.GetSeedData().ToList();

        Assert.Equal(36, seeded.Count);
        Assert.Equal(36, seeded.Select(row => row[nameof(Product.Sku)]).Distinct().Count());
        Assert.All(seeded, row => Assert.True((decimal)row[nameof(Product.Price)]! > 0));
    }

    private static ShopDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql("Host=unit-test-never-connects").Options);
}
