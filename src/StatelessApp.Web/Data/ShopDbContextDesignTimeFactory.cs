using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StatelessApp.Web.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the app (which would need Redis and
/// validated settings). Creating a migration never connects, so the connection string is a placeholder.
/// </summary>
internal sealed class ShopDbContextDesignTimeFactory : IDesignTimeDbContextFactory<ShopDbContext>
{
    public ShopDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ShopDbContext>()
            .UseNpgsql("Host=design-time-only;Database=shop")
            .Options);
}
