using System.Security.Cryptography;
using Npgsql;
using StatelessApp.TestKit.Network;

namespace StatelessApp.TestKit.Postgres;

/// <summary>
/// One initialised, configured and cleanly shut-down data directory per test process (initdb --data-checksums, the app
/// role with its SCRAM password, the app database). Every <see cref="PostgresCluster"/> copies it twice: once for its
/// primary, once for its standby. A copy of a cleanly shut-down data directory is a valid base for a standby of a copy of
/// the same directory, so a cluster costs two copies and two starts instead of initdb + pg_basebackup (seconds on a
/// loaded machine). The password is random per test process and never leaves it.
/// </summary>
internal static class PostgresClusterTemplate
{
    private static readonly Lazy<Task<Template>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<Template> GetAsync() => Shared.Value;

    private const string DirectoryPrefix = "statelessapp-pg-template-";

    // The template lives on disk, not in /dev/shm: the test host is often killed before ProcessExit handlers run, and
    // a leftover should cost disk, not memory, until the next test run sweeps it. Its files stay in the page cache,
    // so copying them into the nodes' directories is still fast.

    private static async Task<Template> CreateAsync()
    {
        DeleteTemplatesOfDeadProcesses();
        var root = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        var node = new PostgresNode("template", root, LoopbackPorts.FreeTcp());
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);

        Directory.CreateDirectory(node.SocketDirectory);
        await PostgresCommands.ChownToPostgresAsync(root);

        // Local (socket) connections are trusted: only the fixture and the tests use them, for admin work and
        // replication. TCP connections, the app's path, need a SCRAM password.
        await PostgresCommands.RunAsync(PostgresCommands.Tool("initdb"),
        [
            "-D", node.DataDirectory, "--data-checksums", "-U", "postgres",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--encoding=UTF8", "--locale=C",
        ]);
        await File.AppendAllTextAsync(Path.Combine(node.DataDirectory, "postgresql.conf"),
            """

            # --- PostgresCluster test fixture (shared by every node; per-node lines are appended later and win) ---
            listen_addresses = '127.0.0.1'
            wal_level = replica
            hot_standby = on
            max_wal_senders = 10
            wal_keep_size = '128MB'
            password_encryption = 'scram-sha-256'
            # Test data is thrown away: durability costs time and buys nothing here. Commits still flush WAL at
            # once (synchronous_commit on), so the standby receives a commit as soon as it returns.
            fsync = off
            # A standby reconnects quickly to a primary that restarted (default 5 s).
            wal_retrieve_retry_interval = '200ms'
            wal_receiver_status_interval = 1s
            shared_buffers = '32MB'
            max_connections = 60
            """ + node.PerNodeSettings());

        await node.StartAsync();
        await using (var admin = new NpgsqlConnection(node.AdminConnectionString))
        {
            await admin.OpenAsync();
            // One statement per command: CREATE DATABASE cannot run inside a transaction block.
            foreach (var sql in new[]
                     {
                         $"CREATE ROLE {PostgresCluster.RoleName} LOGIN PASSWORD '{password}'",
                         $"CREATE DATABASE {PostgresCluster.DatabaseName} OWNER {PostgresCluster.RoleName}",
                     })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync();
            }
        }

        // deploy/patroni/shop-privileges.sql with one role as both owner and app (the tests migrate with the app's own
        // connection string): the function the standby confirmation reads, and its grant.
        await ShopPrivileges.ApplyAsync(node, PostgresCluster.DatabaseName, PostgresCluster.RoleName, PostgresCluster.RoleName);
        await node.StopAsync(StopMode.Fast);
        return new Template(node.DataDirectory, password);
    }

    // The test host is not always given the chance to run ProcessExit handlers; a template holds no running server,
    // so one whose process is gone is safe to delete.
    private static void DeleteTemplatesOfDeadProcesses()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var pid = Path.GetFileName(directory)[DirectoryPrefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var processId) && !Directory.Exists($"/proc/{processId}"))
            {
                DeleteQuietly(directory);
            }
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover template costs disk space, not correctness.
        }
    }

    public sealed record Template(string DataDirectory, string Password);
}
