using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Data.Migrations;
using StatelessApp.Hosting.Defaults;

namespace StatelessApp.IntegrationTests.Data.Migrations;

/// <summary>
/// <c>migrate</c> on real PostgreSQL, release after release of the notes app: release 1 maps notes(id, text), release 2
/// stops using text, release 3 adds author and drops text. Dropping text is refused while release 1 may still run and
/// allowed once release 2 (which no longer maps it) is the one running.
/// </summary>
public sealed class ExpandContractMigrateTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task A_drop_in_the_release_that_stops_using_the_column_is_refused_and_nothing_is_applied()
    {
        var (database, connectionString) = await CreateDatabaseAsync("expand_contract_refused");
        Assert.Equal((0, ""), await MigrateAsync<NotesContext>(connectionString, "1"));

        var (exit, error) = await MigrateAsync<NotesWithoutTextContext>(connectionString, "3");

        Assert.Equal(MigrationRefusedException.ExitCode, exit);
        Assert.Contains("migrate refused: release 3", error, StringComparison.Ordinal);
        Assert.Contains("would break release 1", error, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", error, StringComparison.Ordinal);
        Assert.Contains($"{DropNotesText.Id}: DropColumn notes.text: the running release still maps this column. Rule: {ExpandContractRules.DropOrRename}.",
            error, StringComparison.Ordinal);
        Assert.DoesNotContain(AddNotesAuthor.Id, error, StringComparison.Ordinal); // adding a nullable column is fine...
        Assert.Equal("id,text", await ColumnsAsync(database));                   // ...but is not applied alone either
        Assert.Equal(CreateNotesMigration.Id, await ScalarAsync(database, """SELECT string_agg("MigrationId", ',' ORDER BY "MigrationId") FROM "__EFMigrationsHistory" """));
        Assert.Equal("1", await ReleasesAsync(database));
    }

    [Fact]
    public async Task The_drop_is_allowed_once_the_running_release_no_longer_maps_the_column()
    {
        var (database, connectionString) = await CreateDatabaseAsync("expand_contract_allowed");
        Assert.Equal((0, ""), await MigrateAsync<NotesContext>(connectionString, "1"));
        Assert.Equal((0, ""), await MigrateAsync<NotesIgnoringTextContext>(connectionString, "2"));

        Assert.Equal((0, ""), await MigrateAsync<NotesWithoutTextContext>(connectionString, "3"));

        Assert.Equal("author,id", await ColumnsAsync(database));
        Assert.Equal("1,2,3", await ReleasesAsync(database));
        var footprint = SchemaFootprint.FromJson((string)(await ScalarAsync(database, """SELECT footprint::text FROM "__release_schemas" WHERE release = '3'"""))!);
        Assert.Equal(new ColumnShape("text", Nullable: true), footprint.Column(null, "notes", "author"));
        Assert.Null(footprint.Column(null, "notes", "text"));

        // Re-running a release that already migrated checks against the release before it and finds nothing to do.
        Assert.Equal((0, ""), await MigrateAsync<NotesWithoutTextContext>(connectionString, "3"));
    }

    private async Task<(string Database, string ConnectionString)> CreateDatabaseAsync(string name) =>
        (name, await cluster.CreateDatabaseAsync(name));

    /// <summary><c>migrate</c> as the process runs it, as release <paramref name="release"/>: exit code and standard error.</summary>
    private static async Task<(int Exit, string Error)> MigrateAsync<TContext>(string connectionString, string release)
        where TContext : DbContext
    {
        using var error = new StringWriter();
        var exit = await StatelessHost.RunAsync<TContext>(
            [StatelessHost.MigrateVerb, "--ConnectionStrings:Notes=" + connectionString, $"--{DatabaseMigrationExtensions.ReleaseSetting}={release}"],
            builder => builder.AddReplicatedDbContext<TContext>("Notes", options =>
                options.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning))),
            _ => throw new InvalidOperationException("migrate must not build a pipeline"),
            TextWriter.Null,
            error,
            _ => null,
            CancellationToken.None);
        return (exit, error.ToString());
    }

    private Task<object?> ScalarAsync(string database, string sql) => PostgresCluster.AdminScalarAsync(cluster.Primary, sql, database);

    private async Task<string?> ColumnsAsync(string database) =>
        (string?)await ScalarAsync(database, "SELECT string_agg(column_name::text, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'notes'");

    private async Task<string?> ReleasesAsync(string database) =>
        (string?)await ScalarAsync(database, """SELECT string_agg(release, ',' ORDER BY release) FROM "__release_schemas" """);
}
