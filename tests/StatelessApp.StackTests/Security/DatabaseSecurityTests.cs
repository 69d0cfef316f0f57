using Npgsql;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Stacks;

namespace StatelessApp.StackTests.Security;

/// <summary>
/// PostgreSQL as the network sees it: TLS only (pg_hba has no plaintext line), the superuser never from the network,
/// and the app's role (shop) allowed rows but no schema change. Each attempt goes into the security table.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class DatabaseSecurityTests(StackFixture stack)
{
    private StackContext Context => stack.Controller.Context;

    [Fact]
    public Task A_plaintext_connection_is_refused() =>
        AssertLoginRefusedAsync("shop", Context.Secrets.ShopDbPassword, SslMode.Disable, "plaintext connection as shop, right password (sslmode=disable)");

    [Fact]
    public async Task A_plaintext_replication_connection_is_refused()
    {
        var primary = await PrimaryAsync();
        var plaintext = new NpgsqlConnectionStringBuilder(Context.PostgresConnectionString([primary], "replicator", Context.Secrets.PostgresReplicationPassword))
        {
            SslMode = SslMode.Disable,
            Pooling = false,
        };

        string answer;
        bool refused;
        try
        {
            await using var replication = new Npgsql.Replication.PhysicalReplicationConnection(plaintext.ConnectionString);
            await replication.Open();
            (refused, answer) = (false, "connected for replication");
        }
        catch (PostgresException e)
        {
            (refused, answer) = (e.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification, $"{e.SqlState}: {e.MessageText}");
        }

        Record(primary, "plaintext streaming-replication connection as replicator, right password", answer, refused);
        Assert.True(refused, answer);
    }

    [Fact]
    public Task The_superuser_is_refused_from_the_network_even_over_TLS_with_its_password() =>
        AssertLoginRefusedAsync("postgres", Context.Secrets.PostgresSuperuserPassword, SslMode.VerifyFull,
            "superuser postgres over TLS (verify-full), right password");

    [Theory]
    [InlineData("CREATE TABLE", "CREATE TABLE security_probe (id int)")]
    [InlineData("DROP TABLE", "DROP TABLE orders")]
    [InlineData("ALTER TABLE", "ALTER TABLE orders ADD COLUMN security_probe int")]
    [InlineData("TRUNCATE", "TRUNCATE orders")]
    public async Task The_apps_role_may_not_change_the_schema(string what, string sql)
    {
        var primary = await PrimaryAsync();
        await using var connection = new NpgsqlConnection(Context.PostgresConnectionString([primary], "shop", Context.Secrets.ShopDbPassword) + ";Pooling=false");
        await connection.OpenAsync();

        string answer;
        bool refused;
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            (refused, answer) = (false, "executed");
        }
        catch (PostgresException e)
        {
            (refused, answer) = (e.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{e.SqlState}: {e.MessageText}");
        }

        Record(primary, $"{what} as the app's role shop ({sql})", answer, refused);
        Assert.True(refused, answer);
    }

    [Fact]
    public async Task The_apps_role_reads_the_standby_positions_only_through_its_function()
    {
        var primary = await PrimaryAsync();
        await using var connection = new NpgsqlConnection(Context.PostgresConnectionString([primary], "shop", Context.Secrets.ShopDbPassword) + ";Pooling=false");
        await connection.OpenAsync();

        // The view itself shows the app's role the rows but not their details (no pg_read_all_stats)...
        await using (var view = new NpgsqlCommand("SELECT count(*), count(client_addr), count(flush_lsn) FROM pg_stat_replication", connection))
        await using (var reader = await view.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.True(reader.GetInt64(0) > 0, "the primary has a standby");
            Assert.Equal(0, reader.GetInt64(1));
            Assert.Equal(0, reader.GetInt64(2));
        }

        // ...the SECURITY DEFINER function shows exactly the two columns the order confirmation needs.
        await using var function = new NpgsqlCommand("SELECT count(flush_lsn) FROM replication_status.standbys()", connection);
        Assert.True((long)(await function.ExecuteScalarAsync())! > 0);
    }

    private async Task<Node> PrimaryAsync() =>
        await stack.Controller.AnsweringPrimaryAsync(NodeKind.Postgres);

    /// <summary>Logs in to the primary as <paramref name="role"/>; refused means 28000 (no pg_hba.conf line lets it in).</summary>
    private async Task AssertLoginRefusedAsync(string role, string password, SslMode sslMode, string attempt)
    {
        var primary = await PrimaryAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(Context.PostgresConnectionString([primary], role, password))
        {
            SslMode = sslMode,
            Pooling = false,
        };

        bool refused;
        string answer;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync();
            (refused, answer) = (false, "connected");
        }
        catch (PostgresException e)
        {
            (refused, answer) = (e.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification, $"{e.SqlState}: {e.MessageText}");
        }

        Record(primary, attempt, answer, refused);
        Assert.True(refused, answer);
    }

    private static void Record(Node node, string attempt, string answer, bool refused) =>
        SecurityAttempts.Record($"PostgreSQL {node.Name} ({node.Endpoint})", attempt, answer, refused);
}
