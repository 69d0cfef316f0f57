using Npgsql;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.Bench;

/// <summary>
/// PostgreSQL statements counted per node with pg_stat_statements (Patroni preloads it; deploy/patroni/patroni.yml):
/// calls per normalised statement, only the app's own (role and database "shop"), each put in a <see cref="StatementKind"/>.
/// </summary>
public static class PostgresStatementCounter
{
    /// <summary>What a statement is there for: only <see cref="StatementKind.Request"/> is the request's own work.</summary>
    public static StatementKind KindOf(string statement) => statement switch
    {
        // The readiness probe's SELECT 1 (the proxies probe twice a second whatever the load) and Npgsql's check of a
        // host's role every Database:HostRecheckSeconds.
        "SELECT $1" or "SHOW default_transaction_read_only" or "select pg_is_in_recovery()" => StatementKind.Background,
        // Npgsql resets a pooled connection before its next user; it rides along with that user's first statement
        // (no round trip of its own), but the server still runs it.
        "DISCARD ALL" => StatementKind.PoolReset,
        _ => StatementKind.Request,
    };

    /// <summary>Creates the extension once, on the primary (it replicates), and waits until every node can be read.</summary>
    public static async Task EnsureReadyAsync(SystemUnderTest stack, CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(stack, await stack.PrimaryAsync(NodeKind.Postgres, cancellationToken), cancellationToken))
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var node in stack.Topology.NodesOf(NodeKind.Postgres))
        {
            // A standby answers with an error until it has replayed CREATE EXTENSION.
            await Poll.UntilAsync($"pg_stat_statements on {node.Name}", async token =>
                {
                    await SnapshotNodeAsync(stack, node, token);
                    return true;
                },
                TimeSpan.FromSeconds(10), retryOn: e => e is PostgresException, interval: TimeSpan.FromMilliseconds(100),
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>Per node (name → role and calls per statement text).</summary>
    public static async Task<IReadOnlyDictionary<string, NodeStatements>> SnapshotAsync(SystemUnderTest stack, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, NodeStatements>(StringComparer.Ordinal);
        foreach (var (node, role) in await stack.PostgresNodesAsync(cancellationToken))
        {
            result[node.Name] = new NodeStatements(role, await SnapshotNodeAsync(stack, node, cancellationToken));
        }

        return result;
    }

    private static async Task<IReadOnlyDictionary<string, long>> SnapshotNodeAsync(SystemUnderTest stack, Node node, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(stack, node, cancellationToken);
        await using var query = new NpgsqlCommand(
            """
            SELECT s.query, sum(s.calls)::bigint
            FROM pg_stat_statements s
            JOIN pg_roles r ON r.oid = s.userid
            JOIN pg_database d ON d.oid = s.dbid
            WHERE r.rolname = 'shop' AND d.datname = 'shop'
            GROUP BY s.query
            """, connection);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            calls[reader.GetString(0)] = reader.GetInt64(1);
        }

        return calls;
    }

    private static async Task<NpgsqlConnection> OpenAsync(SystemUnderTest stack, Node node, CancellationToken cancellationToken)
    {
        // The superuser, through the node's Unix socket: pg_hba refuses it from the network.
        var builder = new NpgsqlConnectionStringBuilder(PatroniServer.SuperuserConnectionString(node, stack.Context))
        {
            Pooling = false,
            Timeout = 5,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

/// <summary>One node's role and its calls per statement.</summary>
public sealed record NodeStatements(string Role, IReadOnlyDictionary<string, long> Calls);

public enum StatementKind
{
    Request,
    PoolReset,
    Background,
}
