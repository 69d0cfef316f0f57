using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// The production split of roles (deploy/patroni/shop-privileges.sql): migrate connects as the schema's owner
/// (ConnectionStrings:{name}Owner), the instances as a role that may only read and write rows.
/// </summary>
public sealed class SchemaOwnerTests
{
    private const string AppRole = "notes_app";
    private const string AppPassword = "notes-app-password";

    [Fact]
    public async Task Migrate_runs_as_the_owner_and_the_apps_role_writes_rows_but_may_not_change_the_schema()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var app = await cluster.AddRowsOnlyRoleAsync(AppRole, AppPassword);

        await using var host = await NotesHost.StartAsync(app, new Dictionary<string, string?>
        {
            ["ConnectionStrings:NotesOwner"] = cluster.MultiHostConnectionString,
        });

        // Tables the owner's migration made are usable by the app's role (default privileges)...
        var id = await host.WriteNoteAsync("written by the rows-only role");
        await cluster.WaitForReplicationAsync();
        Assert.Equal("written by the rows-only role", (await host.ReadNoteAsync(id)).Text);
        Assert.Equal(PostgresCluster.RoleName,
            await PostgresCluster.AdminScalarAsync(cluster.Primary, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'notes'", PostgresCluster.DatabaseName));

        // ...and the schema is not theirs to change.
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesContext>();
        var create = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("CREATE TABLE intruder (id int)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, create.SqlState);
        var drop = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("DROP TABLE notes"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, drop.SqlState);
    }

    [Fact]
    public async Task Migrate_as_a_rows_only_role_fails_naming_the_owner_setting()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var app = await cluster.AddRowsOnlyRoleAsync(AppRole, AppPassword);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => NotesHost.StartAsync(app));

        Assert.Contains("ConnectionStrings:NotesOwner", failure.Message, StringComparison.Ordinal);
        Assert.Contains(AppRole, failure.Message, StringComparison.Ordinal);
    }
}
