using StatelessApp.Hosting.Data.Migrations;

namespace StatelessApp.UnitTests.Data.Migrations;

public sealed class SchemaFootprintTests
{
    [Fact]
    public void Json_round_trips_tables_columns_types_and_nullability()
    {
        var footprint = new SchemaFootprint(new Dictionary<string, IReadOnlyDictionary<string, ColumnShape>>
        {
            ["notes"] = new Dictionary<string, ColumnShape> { ["id"] = new("integer", false), ["text"] = new("text", true) },
            ["archive.notes"] = new Dictionary<string, ColumnShape> { ["id"] = new("bigint", false) },
        });

        var restored = SchemaFootprint.FromJson(footprint.ToJson());

        Assert.Equal(new ColumnShape("text", true), restored.Column(null, "notes", "text"));
        Assert.Equal(new ColumnShape("bigint", false), restored.Column("archive", "notes", "id"));
        Assert.Null(restored.Column(null, "notes", "missing"));
        Assert.True(restored.MapsTable("public", "notes"));
        Assert.False(restored.MapsTable(null, "missing"));
    }
}
