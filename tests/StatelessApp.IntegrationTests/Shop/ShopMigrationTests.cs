using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Data.Migrations;
using StatelessApp.Hosting.Defaults;
using StatelessApp.Web.Data;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>The shop's expand step (orders.ItemCount) on real PostgreSQL, over a database left by the release before it.</summary>
public sealed class ShopMigrationTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private const string Database = "shop_item_count";

    [Fact]
    public async Task The_previous_releases_database_migrates_checked_and_its_orders_are_backfilled()
    {
        var connectionString = await cluster.CreateDatabaseAsync(Database);
        await MigrateToPreviousReleaseAsync(connectionString);
        var order = Guid.CreateVersion7();
        await ExecuteAsync(
            $"""
             INSERT INTO orders ("Id", "ShopperId", "CreatedAt", "Total") VALUES ('{order}', 'shopper-1', now(), 10);
             INSERT INTO order_lines ("OrderId", "ProductId", "Sku", "ProductName", "UnitPrice", "Quantity")
             SELECT '{order}', "Id", "Sku", "Name", "Price", "Id" FROM products WHERE "Id" IN (1, 2)
             """);

        // No release recorded yet: the check derives the running release from the last applied migration's model.
        using var error = new StringWriter();
        var exit = await StatelessHost.RunAsync<ShopDbContext>(
            [StatelessHost.MigrateVerb, "--ConnectionStrings:Shop=" + connectionString, $"--{DatabaseMigrationExtensions.ReleaseSetting}=item-count"],
            builder => builder.AddReplicatedDbContext<ShopDbContext>("Shop"),
            _ => throw new InvalidOperationException("migrate must not build a pipeline"),
            TextWriter.Null,
            error,
            _ => null,
            CancellationToken.None);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Equal(3, await ScalarAsync($"""SELECT "ItemCount" FROM orders WHERE "Id" = '{order}'"""));
        var recorded = SchemaFootprint.FromJson((string)(await ScalarAsync("""SELECT footprint::text FROM "__release_schemas" WHERE release = 'item-count'"""))!);
        Assert.Equal(new ColumnShape("integer", Nullable: true), recorded.Column(null, "orders", "ItemCount"));
    }

    /// <summary>The schema as the release before orders.ItemCount left it: migrated up to its last migration.</summary>
    private static async Task MigrateToPreviousReleaseAsync(string connectionString)
    {
        var primary = new NpgsqlConnectionStringBuilder(connectionString) { TargetSessionAttributes = "read-write" }.ConnectionString;
        await using var db = new ShopDbContext(new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql(primary).Options);
        await db.GetService<IMigrator>().MigrateAsync("20261205110421_Accounts");
    }

    private async Task ExecuteAsync(string sql) => await ScalarAsync(sql);

    private Task<object?> ScalarAsync(string sql) => PostgresCluster.AdminScalarAsync(cluster.Primary, sql, Database);
}
