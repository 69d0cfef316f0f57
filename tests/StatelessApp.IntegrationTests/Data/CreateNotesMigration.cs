using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// Hand-written migration, so MigrateDatabaseAsync has real work to do. There is no model snapshot; the hosts that use
/// this context ignore EF's PendingModelChangesWarning for that reason.
/// </summary>
[DbContext(typeof(NotesContext))]
[Migration(Id)]
public sealed class CreateNotesMigration : Migration
{
    public const string Id = "20261125000000_CreateNotes";

    /// <summary>notes(id, text NOT NULL); later releases of the notes app start with the same migration.</summary>
    public static void CreateTable(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "notes",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                text = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_notes", note => note.id));

    protected override void Up(MigrationBuilder migrationBuilder) => CreateTable(migrationBuilder);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("notes");
}
