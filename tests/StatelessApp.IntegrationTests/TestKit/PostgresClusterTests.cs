using Npgsql;

namespace StatelessApp.IntegrationTests.TestKit;

/// <summary>The fixture itself: a writable primary, a read-only standby that replays the primary's writes.</summary>
public sealed class PostgresClusterTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Standby_replays_what_the_app_role_writes_on_the_primary_over_tcp_with_a_password()
    {
        await using (var primary = new NpgsqlConnection(cluster.PrimaryConnectionString))
        {
            await primary.OpenAsync();
            Assert.False(await Scalar<bool>(primary, "SELECT pg_is_in_recovery()"));
            await Scalar<int>(primary, "CREATE TABLE fixture_probe (id int); INSERT INTO fixture_probe VALUES (42); SELECT 1");
        }

        await cluster.WaitForReplicationAsync();

        await using var standby = new NpgsqlConnection(cluster.StandbyConnectionString);
        await standby.OpenAsync();
        Assert.True(await Scalar<bool>(standby, "SELECT pg_is_in_recovery()"));
        Assert.Equal(42, await Scalar<int>(standby, "SELECT id FROM fixture_probe"));
    }

    [Fact]
    public async Task Wrong_password_is_refused_over_tcp()
    {
        var builder = new NpgsqlConnectionStringBuilder(cluster.PrimaryConnectionString) { Password = "wrong" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("28P01", error.SqlState);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
