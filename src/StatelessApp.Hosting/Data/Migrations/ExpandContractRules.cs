using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>
/// Classifies a migration's operations against the schema footprint of the release that still runs while it is applied
/// (old and new instances serve side by side during a rolling upgrade). Expanding is always allowed; taking away or
/// changing what the running release maps is not. Raw SQL (<see cref="SqlOperation"/>, e.g. a backfill) is not parsed:
/// it is the author's to keep compatible.
/// </summary>
public static partial class ExpandContractRules
{
    public const string DropOrRename =
        "drop or rename a table or column only in a release after the one that stopped using it (expand, then contract)";

    public const string NewColumnsAreOptional =
        "a column the running release does not write must accept its inserts: nullable, or with a default";

    public const string NotNullOnceWritten =
        "make a column NOT NULL (without a default) only once the running release writes it";

    public const string NoNarrowing =
        "change a column's type only to one that holds every value the running release writes (widen, never narrow or convert)";

    public const string NoNullsForOldReaders =
        "let a column take NULL only once the running release reads it as nullable";

    /// <summary>The operations of <paramref name="migration"/> that <paramref name="running"/>'s release would not survive.</summary>
    public static IEnumerable<MigrationViolation> Check(string migration, IEnumerable<MigrationOperation> operations, SchemaFootprint running)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(running);
        return operations.SelectMany(operation => Check(migration, operation, running));
    }

    private static IEnumerable<MigrationViolation> Check(string migration, MigrationOperation operation, SchemaFootprint running)
    {
        switch (operation)
        {
            case DropTableOperation drop when running.MapsTable(drop.Schema, drop.Name):
                yield return Violation(migration, "DropTable", Key(drop.Schema, drop.Name), "the running release still maps this table", DropOrRename);
                break;
            case RenameTableOperation rename when running.MapsTable(rename.Schema, rename.Name):
                yield return Violation(migration, "RenameTable", Key(rename.Schema, rename.Name), "the running release still maps this table under its old name", DropOrRename);
                break;
            case DropColumnOperation drop when running.Column(drop.Schema, drop.Table, drop.Name) is not null:
                yield return Violation(migration, "DropColumn", Key(drop.Schema, drop.Table, drop.Name), "the running release still maps this column", DropOrRename);
                break;
            case RenameColumnOperation rename when running.Column(rename.Schema, rename.Table, rename.Name) is not null:
                yield return Violation(migration, "RenameColumn", Key(rename.Schema, rename.Table, rename.Name), "the running release still maps this column under its old name", DropOrRename);
                break;
            case AddColumnOperation add when !add.IsNullable && !HasDefault(add) && running.MapsTable(add.Schema, add.Table):
                yield return Violation(migration, "AddColumn", Key(add.Schema, add.Table, add.Name), "NOT NULL without a default: the running release's inserts leave it out", NewColumnsAreOptional);
                break;
            case AlterColumnOperation alter when running.MapsTable(alter.Schema, alter.Table):
                foreach (var violation in CheckAlter(migration, alter, running.Column(alter.Schema, alter.Table, alter.Name)))
                {
                    yield return violation;
                }

                break;
        }
    }

    private static IEnumerable<MigrationViolation> CheckAlter(string migration, AlterColumnOperation alter, ColumnShape? mapped)
    {
        var target = Key(alter.Schema, alter.Table, alter.Name);
        if (!alter.IsNullable && alter.OldColumn.IsNullable && !HasDefault(alter) && mapped is null)
        {
            yield return Violation(migration, "AlterColumn", target, "made NOT NULL while the running release's inserts leave it out", NotNullOnceWritten);
        }

        if (mapped is null)
        {
            yield break;
        }

        if (alter.IsNullable && !alter.OldColumn.IsNullable && !mapped.Nullable)
        {
            yield return Violation(migration, "AlterColumn", target, "made nullable while the running release reads it as NOT NULL", NoNullsForOldReaders);
        }

        if (alter.ColumnType is { } newType && (alter.OldColumn.ColumnType ?? mapped.StoreType) is { } oldType
            && !string.Equals(newType, oldType, StringComparison.OrdinalIgnoreCase) && !Widens(oldType, newType))
        {
            yield return Violation(migration, "AlterColumn", target, $"type {oldType} → {newType}, which the running release may not read or write", NoNarrowing);
        }
    }

    /// <summary>
    /// True when every value of <paramref name="from"/> fits <paramref name="to"/> unchanged: a longer varchar, varchar to
    /// text, a wider integer, a numeric with at least as many integer and fraction digits.
    /// </summary>
    public static bool Widens(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        from = from.Trim().ToLowerInvariant();
        to = to.Trim().ToLowerInvariant();
        if (IntegerRank(from) is { } fromRank && IntegerRank(to) is { } toRank)
        {
            return toRank >= fromRank;
        }

        if (Varchar().Match(from) is { Success: true } fromVarchar)
        {
            return to == "text" || (Varchar().Match(to) is { Success: true } toVarchar
                && int.Parse(toVarchar.Groups[1].ValueSpan, provider: null) >= int.Parse(fromVarchar.Groups[1].ValueSpan, provider: null));
        }

        if (Numeric().Match(from) is { Success: true } fromNumeric && Numeric().Match(to) is { Success: true } toNumeric)
        {
            int Digits(Match m, int group) => m.Groups[group].Success ? int.Parse(m.Groups[group].ValueSpan, provider: null) : 0;
            int precision = Digits(fromNumeric, 1), scale = Digits(fromNumeric, 2);
            int newPrecision = Digits(toNumeric, 1), newScale = Digits(toNumeric, 2);
            return newScale >= scale && newPrecision - newScale >= precision - scale;
        }

        return false;
    }

    private static int? IntegerRank(string type) => type switch
    {
        "smallint" => 1,
        "integer" => 2,
        "bigint" => 3,
        _ => null,
    };

    private static bool HasDefault(ColumnOperation column) =>
        column.DefaultValue is not null || column.DefaultValueSql is not null || column.ComputedColumnSql is not null;

    private static string Key(string? schema, string table, string? column = null) =>
        column is null ? SchemaFootprint.TableKey(schema, table) : $"{SchemaFootprint.TableKey(schema, table)}.{column}";

    private static MigrationViolation Violation(string migration, string operation, string target, string problem, string rule) =>
        new(migration, operation, target, problem, rule);

    [GeneratedRegex(@"^character varying\((\d+)\)$")]
    private static partial Regex Varchar();

    [GeneratedRegex(@"^numeric\((\d+)(?:,\s*(\d+))?\)$")]
    private static partial Regex Numeric();
}
