using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// A real PostgreSQL primary plus a streaming-replication hot standby on free loopback ports, with a database and a
/// password (SCRAM) role for the app. Use it as an xunit class fixture (one cluster for a class) or create one per test
/// with <see cref="StartAsync"/> when the test changes the topology (stops, promotes, demotes).
/// </summary>
/// <remarks>
/// Each node gets its own Unix socket directory OUTSIDE its data directory: pg_basebackup would otherwise copy the
/// socket lock file and the standby would refuse to start. PostgreSQL refuses to run as root, so when the tests run as
/// root every server command goes through <c>runuser -u postgres</c> and the temp directory is owned by postgres.
/// The node names stay those of the initial roles: after <see cref="PromoteStandbyAsync"/>, <see cref="Standby"/> is
/// the writable node.
/// </remarks>
public sealed class PostgresCluster : IAsyncLifetime, IAsyncDisposable
{
    public const string DatabaseName = "app";
    public const string RoleName = "app";

    private readonly string _root;
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public PostgresCluster()
    {
        _root = Path.Combine(Path.GetTempPath(), "statelessapp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Primary = new PostgresNode("primary", _root, FreeLoopbackPort());
        Standby = new PostgresNode("standby", _root, FreeLoopbackPort());
    }

    public PostgresNode Primary { get; }

    public PostgresNode Standby { get; }

    /// <summary>How long <see cref="InitializeAsync"/> took (initdb, start, role, base backup, standby start).</summary>
    public TimeSpan StartDuration { get; private set; }

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
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(Primary.SocketDirectory);
        Directory.CreateDirectory(Standby.SocketDirectory);
        if (PostgresCommands.RunningAsRoot)
        {
            await PostgresCommands.RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
        }

        var passwordFile = Path.Combine(_root, "superuser.pw");
        await File.WriteAllTextAsync(passwordFile, _password);
        if (PostgresCommands.RunningAsRoot)
        {
            await PostgresCommands.RunAsync("chown", ["postgres:postgres", passwordFile], asPostgres: false);
        }

        // Local (socket) connections are trusted: only the fixture and the tests use them, for admin work and
        // replication. TCP connections, the app's path, need a SCRAM password.
        await PostgresCommands.RunAsync(PostgresCommands.Tool("initdb"),
        [
            "-D", Primary.DataDirectory, "--data-checksums", "-U", "postgres", "--pwfile", passwordFile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--encoding=UTF8", "--locale=C",
        ]);
        File.Delete(passwordFile);

        await File.AppendAllTextAsync(Path.Combine(Primary.DataDirectory, "postgresql.conf"),
            """

            # --- PostgresCluster test fixture ---
            listen_addresses = '127.0.0.1'
            wal_level = replica
            hot_standby = on
            max_wal_senders = 10
            wal_keep_size = '128MB'
            password_encryption = 'scram-sha-256'
            # Test data is thrown away: durability costs time and buys nothing here. Commits still flush WAL at
            # once (synchronous_commit on), so the standby receives a commit as soon as it returns.
            fsync = off
            full_page_writes = on
            # A standby answers quickly after a promotion or restart.
            wal_receiver_status_interval = 1s
            shared_buffers = '32MB'
            max_connections = 60
            """ + Primary.PerNodeSettings());

        await Primary.StartAsync();

        await using (var admin = new NpgsqlConnection(Primary.AdminConnectionString))
        {
            await admin.OpenAsync();
            // One statement per command: CREATE DATABASE cannot run inside a transaction block.
            await Execute(admin, $"CREATE ROLE {RoleName} LOGIN PASSWORD '{_password}'");
            await Execute(admin, $"CREATE DATABASE {DatabaseName} OWNER {RoleName}");
        }

        await PostgresCommands.RunAsync(PostgresCommands.Tool("pg_basebackup"),
        [
            "-h", Primary.SocketDirectory, "-p", Primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", Standby.DataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        ]);
        // The base backup copied the primary's postgresql.conf; the later lines win.
        await File.AppendAllTextAsync(Path.Combine(Standby.DataDirectory, "postgresql.conf"), Standby.PerNodeSettings());
        await Standby.StartAsync();

        StartDuration = clock.Elapsed;
    }

    public Task StopPrimaryAsync(StopMode mode = StopMode.Fast) => Primary.StopAsync(mode);

    public Task StartPrimaryAsync() => Primary.StartAsync();

    public Task StopStandbyAsync(StopMode mode = StopMode.Fast) => Standby.StopAsync(mode);

    public Task StartStandbyAsync() => Standby.StartAsync();

    /// <summary>Promotes the standby (pg_ctl promote -w: returns once it accepts writes).</summary>
    public Task PromoteStandbyAsync() =>
        PostgresCommands.RunAsync(PostgresCommands.Tool("pg_ctl"), ["promote", "-w", "-t", "30", "-D", Standby.DataDirectory]);

    /// <summary>Waits until the standby has replayed everything the primary had written when this was called.</summary>
    public async Task WaitForReplicationAsync(TimeSpan? timeout = null)
    {
        string primaryLsn;
        await using (var primary = new NpgsqlConnection(Primary.AdminConnectionString))
        {
            await primary.OpenAsync();
            // The insert position, not the write position: it already covers commits still in the WAL buffers.
            primaryLsn = (string)(await Scalar(primary, "SELECT pg_current_wal_insert_lsn()::text"))!;
        }

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        await using var standby = new NpgsqlConnection(Standby.AdminConnectionString);
        await standby.OpenAsync();
        while (true)
        {
            var caughtUp = await Scalar(standby,
                $"SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{primaryLsn}') >= 0, false)");
            if (caughtUp is true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"standby did not replay up to {primaryLsn} in time");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Runs one statement as superuser over the node's Unix socket (works while the node is a standby too).</summary>
    public static async Task<object?> AdminScalarAsync(PostgresNode node, string sql)
    {
        await using var connection = new NpgsqlConnection(node.AdminConnectionString);
        await connection.OpenAsync();
        return await Scalar(connection, sql);
    }

    public async Task DisposeAsync()
    {
        // Immediate stop: nothing here is worth a checkpoint. Kill by pid if pg_ctl cannot do it.
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

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
