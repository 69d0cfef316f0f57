using Npgsql;
using StatelessApp.Hosting.Data;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// Database:PasswordFile (docs/operations.md, "Rotating secrets"): the app's role logs in with what the file holds when
/// a connection is opened, so a password changed by ALTER ROLE and written to the file is used by the next connection of
/// a running instance, with no restart; the file wins over the connection string's password (kept for older releases).
/// Real primary + standby.
/// </summary>
public sealed class PasswordFileTests : IDisposable
{
    private const string AppRole = "notes_app";
    private readonly string _passwordFile = Path.GetTempFileName();

    [Fact]
    public async Task A_password_rotated_with_its_file_serves_the_next_connection_of_a_running_instance()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartWithPasswordFileAsync(cluster, "first-password");
        var before = await host.WriteNoteAsync("written with the first password");

        // What `./stack rotate secrets` does: ALTER ROLE on the primary, then the file.
        await PostgresCluster.AdminScalarAsync(cluster.Primary, $"ALTER ROLE {AppRole} PASSWORD 'second-password'");
        await File.WriteAllTextAsync(_passwordFile, "second-password\n");
        await cluster.WaitForReplicationAsync();
        host.Services.GetReplicatedDataSource<NotesContext>().ForgetTopology(); // the next connections are new ones

        var after = await host.WriteNoteAsync("written with the second password");
        await cluster.WaitForReplicationAsync();
        Assert.Equal("written with the first password", (await host.ReadNoteAsync(before)).Text);
        Assert.Equal("written with the second password", (await host.ReadNoteAsync(after)).Text);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(cluster, "first-password"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task A_password_file_gone_after_start_fails_the_connection_naming_the_setting()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartWithPasswordFileAsync(cluster, "first-password");

        File.Delete(_passwordFile);
        host.Services.GetReplicatedDataSource<NotesContext>().ForgetTopology();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.WriteNoteAsync("no password to log in with"));
        var cause = Assert.IsType<NpgsqlException>(Innermost<NpgsqlException>(failure));
        Assert.Contains($"Database:PasswordFile '{_passwordFile}' cannot be read", cause.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_passwordFile);

    private async Task<NotesHost> StartWithPasswordFileAsync(PostgresCluster cluster, string password)
    {
        var app = await cluster.AddRowsOnlyRoleAsync(AppRole, password);
        await File.WriteAllTextAsync(_passwordFile, password + "\n");
        // The connection string keeps the first password, as the stack's does for releases that predate the file.
        return await NotesHost.StartAsync(app, new Dictionary<string, string?>
        {
            ["ConnectionStrings:NotesOwner"] = cluster.MultiHostConnectionString,
            ["Database:PasswordFile"] = _passwordFile,
        });
    }

    private static async Task OpenAsync(PostgresCluster cluster, string password)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(cluster.PrimaryConnectionString)
        {
            Username = AppRole,
            Password = password,
            Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }

    private static Exception? Innermost<T>(Exception? e) where T : Exception
    {
        Exception? found = null;
        for (; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                found = e;
            }
        }

        return found;
    }
}
