using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace StatelessApp.IntegrationTests.Data.Migrations;

// Two later releases of the notes app (release 1 is NotesContext): same table, other models and migrations.

/// <summary>Release 2: stops using notes.text (maps only the id) and drops nothing.</summary>
public sealed class NotesIgnoringTextContext(DbContextOptions<NotesIgnoringTextContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<NoteId>(note =>
        {
            note.ToTable("notes");
            note.Property(n => n.Id).HasColumnName("id");
        });
}

/// <summary>Release 3: adds notes.author (expand) and drops notes.text (contract).</summary>
public sealed class NotesWithoutTextContext(DbContextOptions<NotesWithoutTextContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AuthoredNote>(note =>
        {
            note.ToTable("notes");
            note.Property(n => n.Id).HasColumnName("id");
            note.Property(n => n.Author).HasColumnName("author");
        });
}

public sealed class NoteId
{
    public int Id { get; set; }
}

public sealed class AuthoredNote
{
    public int Id { get; set; }

    public string? Author { get; set; }
}

[DbContext(typeof(NotesIgnoringTextContext))]
[Migration(CreateNotesMigration.Id)]
public sealed class CreateNotesForRelease2 : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => CreateNotesMigration.CreateTable(migrationBuilder);
}

[DbContext(typeof(NotesWithoutTextContext))]
[Migration(CreateNotesMigration.Id)]
public sealed class CreateNotesForRelease3 : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => CreateNotesMigration.CreateTable(migrationBuilder);
}

[DbContext(typeof(NotesWithoutTextContext))]
[Migration(Id)]
public sealed class AddNotesAuthor : Migration
{
    public const string Id = "20261206000000_AddNotesAuthor";

    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "author", table: "notes", nullable: true);
}

[DbContext(typeof(NotesWithoutTextContext))]
[Migration(Id)]
public sealed class DropNotesText : Migration
{
    public const string Id = "20261206000001_DropNotesText";

    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "text", table: "notes");
}
