using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using StatelessApp.Hosting.Data.Migrations;
using StatelessApp.Web.Data;

namespace StatelessApp.UnitTests.Shop;

/// <summary>The shop's two-step change (orders.ItemCount) against the expand/contract rules, from its real migrations.</summary>
public sealed class ShopMigrationRulesTests
{
    /// <summary>The last migration of the release before orders.ItemCount: the release still running while it is applied.</summary>
    private const string PreviousRelease = "20261205110421_Accounts";

    private const string Expand = "20261205174131_OrderItemCount";

    /// <summary>What <c>dotnet ef migrations add</c> makes of <c>int ItemCount</c> in the next release, minus its default of 0.</summary>
    private static readonly AlterColumnOperation Contract = new()
    {
        Table = "orders",
        Name = "ItemCount",
        ClrType = typeof(int),
        ColumnType = "integer",
        IsNullable = false,
        OldColumn = new AddColumnOperation { Table = "orders", Name = "ItemCount", ClrType = typeof(int), ColumnType = "integer", IsNullable = true },
    };

    [Fact]
    public void The_expand_step_adds_a_nullable_column_and_backfills_it()
    {
        using var db = CreateContext();

        var operations = MigrationFootprints.UpOperations(db, Expand);

        var add = Assert.IsType<AddColumnOperation>(operations[0]);
        Assert.Equal(("orders", "ItemCount", true), (add.Table, add.Name, add.IsNullable));
        Assert.Contains("UPDATE orders", Assert.IsType<SqlOperation>(operations[1]).Sql, StringComparison.Ordinal);
        Assert.Equal(new ColumnShape("integer", Nullable: true), MigrationFootprints.OfModel(db).Column(null, "orders", "ItemCount"));
    }

    [Fact]
    public void The_expand_step_is_allowed_while_the_previous_release_runs()
    {
        using var db = CreateContext();
        var previous = MigrationFootprints.OfMigration(db, PreviousRelease)!;

        Assert.Null(previous.Column(null, "orders", "ItemCount"));
        Assert.Empty(ExpandContractRules.Check(Expand, MigrationFootprints.UpOperations(db, Expand), previous));
    }

    [Fact]
    public void The_contract_step_is_refused_in_the_same_release_and_allowed_in_the_next()
    {
        using var db = CreateContext();
        var previous = MigrationFootprints.OfMigration(db, PreviousRelease)!;
        var current = MigrationFootprints.OfModel(db);

        var refused = Assert.Single(ExpandContractRules.Check("NextRelease_OrderItemCountRequired", [Contract], previous));
        Assert.Equal((ExpandContractRules.NotNullOnceWritten, "orders.ItemCount"), (refused.Rule, refused.Target));
        Assert.Empty(ExpandContractRules.Check("NextRelease_OrderItemCountRequired", [Contract], current));

        // Dropping it is refused for as long as a running release maps it.
        var drop = new DropColumnOperation { Table = "orders", Name = "ItemCount" };
        Assert.Equal(ExpandContractRules.DropOrRename, Assert.Single(ExpandContractRules.Check("Later_DropItemCount", [drop], current)).Rule);
    }

    [Fact]
    public void Every_shop_migration_was_compatible_with_the_release_before_it()
    {
        using var db = CreateContext();
        var ids = db.Database.GetMigrations().ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.Empty(ExpandContractRules.Check(ids[i], MigrationFootprints.UpOperations(db, ids[i]), MigrationFootprints.OfMigration(db, ids[i - 1])!));
        }
    }

    private static ShopDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql("Host=unit-test-never-connects").Options);
}
