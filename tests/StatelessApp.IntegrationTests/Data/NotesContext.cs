using Microsoft.EntityFrameworkCore;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>A tiny context of the tests' own (the shop's model is written elsewhere): one table of notes.</summary>
public sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Note>(note =>
        {
            note.ToTable("notes");
            note.Property(n => n.Id).HasColumnName("id");
            note.Property(n => n.Text).HasColumnName("text");
        });
}

public sealed class Note
{
    public int Id { get; set; }

    public string Text { get; set; } = "";
}
