using Microsoft.EntityFrameworkCore.Migrations.Operations;
using StatelessApp.Hosting.Data.Migrations;

namespace StatelessApp.UnitTests.Data.Migrations;

public sealed class ExpandContractRulesTests
{
    /// <summary>The running release maps notes(id integer NOT NULL, text varchar(32) NULL, done boolean NOT NULL).</summary>
    private static readonly SchemaFootprint Running = new(new Dictionary<string, IReadOnlyDictionary<string, ColumnShape>>
    {
        ["notes"] = new Dictionary<string, ColumnShape>
        {
            ["id"] = new("integer", Nullable: false),
            ["text"] = new("character varying(32)", Nullable: true),
            ["done"] = new("boolean", Nullable: false),
        },
    });

    public static TheoryData<string, MigrationOperation, string> Refused => new()
    {
        { "DropTable", new DropTableOperation { Name = "notes" }, ExpandContractRules.DropOrRename },
        { "RenameTable", new RenameTableOperation { Name = "notes", NewName = "memos" }, ExpandContractRules.DropOrRename },
        { "DropColumn", new DropColumnOperation { Table = "notes", Name = "text" }, ExpandContractRules.DropOrRename },
        { "RenameColumn", new RenameColumnOperation { Table = "notes", Name = "text", NewName = "body" }, ExpandContractRules.DropOrRename },
        { "AddColumn", new AddColumnOperation { Table = "notes", Name = "author", ColumnType = "text", IsNullable = false }, ExpandContractRules.NewColumnsAreOptional },
        { "AlterColumn", Alter("author", "text", nullable: false, "text", oldNullable: true), ExpandContractRules.NotNullOnceWritten },
        { "AlterColumn", Alter("done", "boolean", nullable: true, "boolean", oldNullable: false), ExpandContractRules.NoNullsForOldReaders },
        { "AlterColumn", Alter("text", "character varying(16)", nullable: true, "character varying(32)", oldNullable: true), ExpandContractRules.NoNarrowing },
        { "AlterColumn", Alter("id", "uuid", nullable: false, "integer", oldNullable: false), ExpandContractRules.NoNarrowing },
    };

    public static TheoryData<MigrationOperation> Allowed => new()
    {
        new CreateTableOperation { Name = "tags" },
        new DropTableOperation { Name = "old_notes" },                                       // no longer mapped
        new DropColumnOperation { Table = "notes", Name = "legacy" },                        // no longer mapped
        new RenameColumnOperation { Table = "notes", Name = "legacy", NewName = "archived" },
        new AddColumnOperation { Table = "notes", Name = "author", ColumnType = "text", IsNullable = true },
        new AddColumnOperation { Table = "notes", Name = "rank", ColumnType = "integer", IsNullable = false, DefaultValue = 0 },
        new AddColumnOperation { Table = "tags", Name = "name", ColumnType = "text", IsNullable = false }, // a table it does not map
        Alter("text", "character varying(32)", nullable: false, "character varying(32)", oldNullable: true), // it writes the column
        Alter("text", "character varying(64)", nullable: true, "character varying(32)", oldNullable: true),
        Alter("text", "text", nullable: true, "character varying(32)", oldNullable: true),
        Alter("id", "bigint", nullable: false, "integer", oldNullable: false),
        new CreateIndexOperation { Table = "notes", Name = "IX_notes_text", Columns = ["text"] },
        new SqlOperation { Sql = "UPDATE notes SET text = '' WHERE text IS NULL" },        // not parsed: the author's to keep compatible
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Taking_away_or_changing_what_the_running_release_maps_is_refused(string operation, MigrationOperation change, string rule)
    {
        var violation = Assert.Single(ExpandContractRules.Check("20261206000000_Change", [change], Running));

        Assert.Equal(operation, violation.Operation);
        Assert.Equal(rule, violation.Rule);
        Assert.StartsWith("notes", violation.Target, StringComparison.Ordinal);
        Assert.StartsWith("20261206000000_Change: " + operation + " notes", violation.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Expanding_is_allowed(MigrationOperation change) =>
        Assert.Empty(ExpandContractRules.Check("20261206000000_Change", [change], Running));

    [Fact]
    public void A_schema_other_than_the_default_is_part_of_the_name()
    {
        var inOtherSchema = new DropTableOperation { Name = "notes", Schema = "archive" };
        var inPublic = new DropTableOperation { Name = "notes", Schema = "public" };

        Assert.Empty(ExpandContractRules.Check("m", [inOtherSchema], Running));
        Assert.Single(ExpandContractRules.Check("m", [inPublic], Running));
    }

    [Theory]
    [InlineData("character varying(32)", "character varying(33)", true)]
    [InlineData("character varying(32)", "text", true)]
    [InlineData("text", "character varying(32)", false)]
    [InlineData("smallint", "bigint", true)]
    [InlineData("bigint", "integer", false)]
    [InlineData("numeric(10,2)", "numeric(12,2)", true)]
    [InlineData("numeric(10,2)", "numeric(12,4)", true)]
    [InlineData("numeric(10,2)", "numeric(10,4)", false)]
    [InlineData("numeric(10,2)", "numeric(10,0)", false)]
    [InlineData("integer", "text", false)]
    public void Widening_keeps_every_value(string from, string to, bool widens) =>
        Assert.Equal(widens, ExpandContractRules.Widens(from, to));

    private static AlterColumnOperation Alter(string column, string type, bool nullable, string oldType, bool oldNullable) => new()
    {
        Table = "notes",
        Name = column,
        ColumnType = type,
        IsNullable = nullable,
        OldColumn = new AddColumnOperation { Table = "notes", Name = column, ColumnType = oldType, IsNullable = oldNullable },
    };
}
