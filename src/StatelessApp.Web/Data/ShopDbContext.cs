using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Data;

/// <summary>
/// The shop's database. Injected as <c>ShopDbContext</c> it talks to the primary (writes, "my orders");
/// as <c>ReadOnlyDbContext&lt;ShopDbContext&gt;</c> to a standby (catalogue). It also holds the accounts (Identity's
/// user store without roles), so accounts share the migrations, the read/write split and the consistency tokens.
/// </summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : IdentityUserContext<ShopAccount, Guid>(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder); // Identity's model first: the names below override its AspNet* tables
        builder.Entity<ShopAccount>().ToTable("accounts");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("account_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("account_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("account_tokens");

        builder.Entity<Product>(product =>
        {
            product.ToTable("products");
            product.Property(p => p.Sku).HasMaxLength(32);
            product.HasIndex(p => p.Sku).IsUnique();
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(2000);
            product.Property(p => p.Category).HasMaxLength(64);
            product.Property(p => p.Price).HasPrecision(10, 2);
            product.HasData(CatalogueSeed.Products);
        });

        builder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Id).ValueGeneratedNever();
            order.Property(o => o.ShopperId).HasMaxLength(64);
            order.HasIndex(o => new { o.ShopperId, o.CreatedAt });
            order.Property(o => o.IdempotencyKey).HasMaxLength(Shop.IdempotencyKey.MaxLength);
            // The database, not the app, guarantees "one order per key": two instances handling the same resent
            // checkout at the same moment cannot both insert. Keys are per shopper, so one cannot guess another's.
            order.HasIndex(o => new { o.ShopperId, o.IdempotencyKey }).IsUnique();
            order.Property(o => o.Total).HasPrecision(12, 2);
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OrderLine>(line =>
        {
            line.ToTable("order_lines");
            line.HasKey(l => new { l.OrderId, l.ProductId });
            line.Property(l => l.Sku).HasMaxLength(32);
            line.Property(l => l.ProductName).HasMaxLength(200);
            line.Property(l => l.UnitPrice).HasPrecision(10, 2);
            line.Ignore(l => l.LineTotal);
            line.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
