using System.Globalization;
using Npgsql;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Postgres;

/// <summary>
/// A real PostgreSQL primary plus a streaming-replication hot standby on free loopback ports, with a database and a
/// password (SCRAM) role for the app. Use it as an xunit class fixture (one cluster for a class) or create one per test
/// with <see cref="StartAsync"/> when the test changes the topology (stops, promotes, demotes).
/// </summary>
/// <remarks>
/// Both nodes start as copies of one template data directory (see <see cref="PostgresClusterTemplate"/>), so a cluster
/// starts in well under a second. Each node gets its own Unix socket directory OUTSIDE its data directory: a copied
/// data directory (or a pg_basebackup) would otherwise carry the socket lock file and the standby would refuse to start. PostgreSQL refuses to run as root, so when the tests run as
/// root every server command goes through <c>runuser -u postgres</c> and the temp directory is owned by postgres.
/// The node names stay those of the initial roles: after <see cref="PromoteStandbyAsync"/>, <see cref="Standby"/> is
/// the writable node.
/// </remarks>
public sealed class PostgresCluster : IAsyncLifetime, IAsyncDisposable
{
    public const string DatabaseName = "app";
    public const string RoleName = "app";

    private readonly string _root;
    private string _password = "";

    public PostgresCluster()
    {
        _root = Path.Combine(PostgresCommands.ScratchDirectory, "statelessapp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Primary = new PostgresNode("primary", _root, LoopbackPorts.FreeTcp());
        Standby = new PostgresNode("standby", _root, LoopbackPorts.FreeTcp());
    }

    public PostgresNode Primary { get; }

    public PostgresNode Standby { get; }

    /// <summary>The app's view: "Host=primary,standby" (no Target Session Attributes: the data source chooses).</summary>
    public string MultiHostConnectionString => AppConnectionString($"127.0.0.1:{Primary.Port},127.0.0.1:{Standby.Port}");

    /// <summary>Both nodes, standby listed first: proves routing does not depend on host order.</summary>
    public string MultiHostConnectionStringStandbyFirst =>
        AppConnectionString($"127.0.0.1:{Standby.Port},127.0.0.1:{Primary.Port}");

    public string PrimaryConnectionString => AppConnectionString($"127.0.0.1:{Primary.Port}");

    public string StandbyConnectionString => AppConnectionString($"127.0.0.1:{Standby.Port}");

    public static async Task<PostgresCluster> StartAsync()
    {
        var cluster = new PostgresCluster();
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        var template = await PostgresClusterTemplate.GetAsync();
        _password = template.Password;

        Directory.CreateDirectory(Primary.SocketDirectory);
        Directory.CreateDirectory(Standby.SocketDirectory);
        await PostgresCommands.ChownToPostgresAsync(_root);
        await Task.WhenAll(
            PostgresCommands.RunAsync("cp", ["-a", template.DataDirectory, Primary.DataDirectory]),
            PostgresCommands.RunAsync("cp", ["-a", template.DataDirectory, Standby.DataDirectory]));

        await File.AppendAllTextAsync(Path.Combine(Primary.DataDirectory, "postgresql.conf"), Primary.PerNodeSettings());
        await File.AppendAllTextAsync(Path.Combine(Standby.DataDirectory, "postgresql.conf"), Standby.PerNodeSettings() +
            $"primary_conninfo = 'host={Primary.SocketDirectory} port={Primary.Port} user=postgres application_name=standby'\n");
        // What pg_basebackup -R would write: start as a streaming standby of the primary.
        await PostgresCommands.RunAsync("touch", [Path.Combine(Standby.DataDirectory, "standby.signal")]);

        // Primary first: a standby that finds no primary waits wal_retrieve_retry_interval before asking again.
        await Primary.StartAsync();
        await Standby.StartAsync();
    }

    /// <summary>Standbys added with <see cref="AddStandbyAsync"/> (beyond <see cref="Standby"/>).</summary>
    public List<PostgresNode> ExtraStandbys { get; } = [];

    /// <summary>
    /// Starts one more streaming standby of the primary (a copy of the same template, so it streams from the start),
    /// for tests that need a choice between standbys.
    /// </summary>
    public async Task<PostgresNode> AddStandbyAsync(string name)
    {
        var node = new PostgresNode(name, _root, LoopbackPorts.FreeTcp());
        var template = await PostgresClusterTemplate.GetAsync();
        Directory.CreateDirectory(node.SocketDirectory);
        await PostgresCommands.ChownToPostgresAsync(node.SocketDirectory);
        await PostgresCommands.RunAsync("cp", ["-a", template.DataDirectory, node.DataDirectory]);
        await File.AppendAllTextAsync(Path.Combine(node.DataDirectory, "postgresql.conf"), node.PerNodeSettings() +
            $"primary_conninfo = 'host={Primary.SocketDirectory} port={Primary.Port} user=postgres application_name={name}'\n");
        await PostgresCommands.RunAsync("touch", [Path.Combine(node.DataDirectory, "standby.signal")]);
        ExtraStandbys.Add(node);
        await node.StartAsync();
        return node;
    }

    /// <summary>"Host=primary,standby,extra standbys...": every node of the cluster.</summary>
    public string AllNodesConnectionString =>
        AppConnectionString(string.Join(',', new[] { Primary, Standby }.Concat(ExtraStandbys).Select(node => $"127.0.0.1:{node.Port}")));

    public Task StopPrimaryAsync(StopMode mode = StopMode.Fast) => Primary.StopAsync(mode);

    public Task StartPrimaryAsync() => Primary.StartAsync();

    public Task StopStandbyAsync(StopMode mode = StopMode.Fast) => Standby.StopAsync(mode);

    public Task StartStandbyAsync() => Standby.StartAsync();

    /// <summary>Promotes the standby (pg_ctl promote -w: returns once it accepts writes).</summary>
    public Task PromoteStandbyAsync() =>
        PostgresCommands.RunAsync(PostgresCommands.Tool("pg_ctl"), ["promote", "-w", "-t", "30", "-D", Standby.DataDirectory]);

    /// <summary>
    /// Freezes the standby's WAL receiver (SIGSTOP): the primary still lists it as streaming, but it flushes nothing
    /// more, as a standby behind a stalled link would. Disposing the result lets it go on (SIGCONT).
    /// </summary>
    public async Task<IAsyncDisposable> FreezeStandbyReceiverAsync()
    {
        var pid = await Poll.UntilAsync("the standby's WAL receiver to stream",
            _ => AdminScalarAsync(Standby, "SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'"),
            pid => pid is int, TimeSpan.FromSeconds(10));
        var receiver = ((int)pid!).ToString(CultureInfo.InvariantCulture);
        await PostgresCommands.RunAsync("kill", ["-STOP", receiver], asPostgres: false);
        return new Thaw(receiver);
    }

    private sealed class Thaw(string pid) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await PostgresCommands.RunAsync("kill", ["-CONT", pid], asPostgres: false);
    }

    /// <summary>Waits until the standby has replayed everything the primary had written when this was called.</summary>
    public async Task WaitForReplicationAsync(TimeSpan? timeout = null)
    {
        await using var primary = new NpgsqlConnection(Primary.AdminConnectionString);
        await primary.OpenAsync();
        await using var standby = new NpgsqlConnection(Standby.AdminConnectionString);
        await standby.OpenAsync();
        await StandbyReplay.WaitUntilCaughtUpAsync(primary, standby, "the standby", timeout ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Makes the standby lag on purpose: it applies each commit only this long after the primary made it (zero: at once).
    /// Returns once the setting is in force for new sessions (pg_reload_conf only signals).
    /// </summary>
    public async Task SetStandbyApplyDelayAsync(TimeSpan delay)
    {
        var expected = delay == TimeSpan.Zero ? "0" : $"{(int)delay.TotalMilliseconds}ms";
        await AdminScalarAsync(Standby, $"ALTER SYSTEM SET recovery_min_apply_delay = '{(int)delay.TotalMilliseconds}ms'");
        await AdminScalarAsync(Standby, "SELECT pg_reload_conf()");
        await Poll.UntilAsync($"recovery_min_apply_delay = {expected} in force on the standby",
            _ => AdminScalarAsync(Standby, "SHOW recovery_min_apply_delay"), shown => shown as string == expected, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Creates another database owned by the app role (replicated to the standby like everything else) and returns the
    /// multi-host connection string to it: for a test that needs an empty schema.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await AdminScalarAsync(Primary, $"CREATE DATABASE \"{name}\" OWNER {RoleName}");
        return new NpgsqlConnectionStringBuilder(MultiHostConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Adds a login role that may only read and write rows of <see cref="DatabaseName"/> (deploy/patroni/shop-privileges.sql
    /// with <see cref="RoleName"/> as the owner) and returns the multi-host connection string for it: the production split
    /// of the schema's owner, who migrates, and the app's role.
    /// </summary>
    public async Task<string> AddRowsOnlyRoleAsync(string role, string password)
    {
        await AdminScalarAsync(Primary, $"CREATE ROLE {role} LOGIN PASSWORD '{password}'");
        await ShopPrivileges.ApplyAsync(Primary, DatabaseName, RoleName, role);
        return new NpgsqlConnectionStringBuilder(MultiHostConnectionString) { Username = role, Password = password }.ConnectionString;
    }

    /// <summary>Runs one statement as superuser over the node's Unix socket (works while the node is a standby too).</summary>
    public static async Task<object?> AdminScalarAsync(PostgresNode node, string sql, string database = "postgres")
    {
        var connectionString = new NpgsqlConnectionStringBuilder(node.AdminConnectionString) { Database = database };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        return await Scalar(connection, sql);
    }

    public async Task DisposeAsync()
    {
        // Immediate stop: nothing here is worth a checkpoint. Kill by pid if pg_ctl cannot do it.
        foreach (var extra in ExtraStandbys)
        {
            await extra.KillAsync();
        }

        await Standby.KillAsync();
        await Primary.KillAsync();
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server that is still exiting may hold a file for a moment; the temp dir is not worth failing a test.
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private string AppConnectionString(string hosts) =>
        $"Host={hosts};Database={DatabaseName};Username={RoleName};Password={_password};Timeout=3;Command Timeout=10";

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
