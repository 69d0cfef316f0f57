using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.Metadata;

namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>
/// The tables and columns one release's EF model maps, with each column's store type and nullability: what that
/// release's code reads and writes, so what a migration must not take away while it still runs.
/// </summary>
/// <param name="Tables">Table (<c>schema.table</c> when a schema is set) → column → shape.</param>
public sealed record SchemaFootprint(IReadOnlyDictionary<string, IReadOnlyDictionary<string, ColumnShape>> Tables)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static SchemaFootprint From(IRelationalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(model.Tables.ToDictionary(
            table => TableKey(table.Schema, table.Name),
            table => (IReadOnlyDictionary<string, ColumnShape>)table.Columns.ToDictionary(
                column => column.Name, column => new ColumnShape(column.StoreType, column.IsNullable), StringComparer.Ordinal),
            StringComparer.Ordinal));
    }

    /// <summary>How migrations name a table in this footprint; the default schema (null) is left out.</summary>
    public static string TableKey(string? schema, string table) => schema is null or "public" ? table : $"{schema}.{table}";

    public bool MapsTable(string? schema, string table) => Tables.ContainsKey(TableKey(schema, table));

    public ColumnShape? Column(string? schema, string table, string column) =>
        Tables.TryGetValue(TableKey(schema, table), out var columns) && columns.TryGetValue(column, out var shape) ? shape : null;

    public string ToJson() => JsonSerializer.Serialize(
        Tables.ToDictionary(table => table.Key, table => table.Value.ToDictionary(c => c.Key, c => c.Value)), Json);

    /// <exception cref="JsonException">Not a footprint written by <see cref="ToJson"/>.</exception>
    public static SchemaFootprint FromJson(string json)
    {
        var tables = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, ColumnShape>>>(json, Json)
            ?? throw new JsonException("A schema footprint is a JSON object, not null.");
        return new(tables.ToDictionary(
            table => table.Key,
            table => (IReadOnlyDictionary<string, ColumnShape>)new Dictionary<string, ColumnShape>(table.Value, StringComparer.Ordinal),
            StringComparer.Ordinal));
    }
}

/// <summary>A mapped column as the database sees it: store type (e.g. <c>character varying(64)</c>) and nullability.</summary>
public sealed record ColumnShape(string StoreType, bool Nullable);
