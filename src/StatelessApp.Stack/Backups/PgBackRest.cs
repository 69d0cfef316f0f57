using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Backups;

/// <summary>
/// pgBackRest for the shop's cluster: stanza <see cref="Stanza"/>, one repository at the witness
/// (<see cref="StackPaths.PostgresBackups"/>) that both regions' nodes write to. Each node has its own configuration
/// file (its data and socket folders; mode 600, owned by postgres) named by PGBACKREST_CONFIG in Patroni's
/// environment, which PostgreSQL's archive_command/restore_command and Patroni's pgbackrest replica method inherit
/// (deploy/patroni/patroni.yml). The controller runs pgBackRest as postgres with the primary's file.
/// </summary>
public static class PgBackRest
{
    public const string Stanza = "shop";

    /// <summary>How many full backups (with the differentials and WAL that depend on them) the repository keeps.</summary>
    public const int RetainedFullBackups = 2;

    /// <summary>The environment variable pgBackRest reads its configuration file's path from.</summary>
    public const string ConfigVariable = "PGBACKREST_CONFIG";

    public static string ConfigFile(Node node, StackContext context) => Path.Combine(PatroniServer.Home(node, context), "pgbackrest.conf");

    /// <summary>Locks of one repository's commands (a backup and an expire never overlap); per stack, not /tmp/pgbackrest.</summary>
    private static string LockFolder(StackContext context) => context.Paths.PostgresBackups + "-lock";

    /// <summary>The configuration of a node whose data folder is <paramref name="dataDirectory"/>.</summary>
    internal static string Configuration(string repository, string lockFolder, string dataDirectory, string socketDirectory, int port) =>
        string.Join('\n',
            "# Written by ./stack (src/StatelessApp.Stack/Backups/PgBackRest.cs); docs/operations.md, \"Backups\".",
            "[global]",
            $"repo1-path={repository}",
            $"repo1-retention-full={RetainedFullBackups.ToString(CultureInfo.InvariantCulture)}",
            $"lock-path={lockFolder}",
            // Every command's messages go to its caller: the PostgreSQL log (archive-push), the controller's output.
            "log-level-file=off",
            "log-level-console=warn",
            "log-level-stderr=warn",
            // A backup checkpoints at once instead of waiting for the next spread checkpoint.
            "start-fast=y",
            // lz4 costs a fraction of gzip's CPU on the WAL the primary archives under load.
            "compress-type=lz4",
            "",
            $"[{Stanza}]",
            $"pg1-path={dataDirectory}",
            $"pg1-socket-path={socketDirectory}",
            $"pg1-port={port.ToString(CultureInfo.InvariantCulture)}",
            "pg1-user=postgres",
            "");

    /// <summary>Writes <paramref name="node"/>'s configuration file and makes sure the repository exists (PatroniServer.Prepare).</summary>
    public static void WriteNodeConfig(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        EnsureRepository(context);
        var file = ConfigFile(node, context);
        FileModes.WritePrivate(file, Configuration(context.Paths.PostgresBackups, LockFolder(context),
            PatroniServer.DataDirectory(node, context), PatroniServer.SocketDirectory(node, context), node.Port));
        ServiceAccount.Own(file);
    }

    /// <summary>The repository and its lock folder, owned by postgres (PostgreSQL archives into it as postgres).</summary>
    public static void EnsureRepository(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var folder in new[] { context.Paths.PostgresBackups, LockFolder(context) })
        {
            context.Paths.CreateServiceAccountFolderAt(folder);
            FileModes.Set(folder, FileModes.OwnerOnlyFolder);
            ServiceAccount.Own(folder);
        }
    }

    /// <summary>
    /// Runs pgBackRest as postgres with <paramref name="node"/>'s configuration; the superuser's password (a backup
    /// connects to the primary through its socket) travels in the environment, never on the command line.
    /// </summary>
    public static Task<CommandResult> RunAsync(StackContext context, Node node, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(node);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ConfigVariable] = ConfigFile(node, context),
            ["PGPASSWORD"] = context.Secrets.PostgresSuperuserPassword,
        };
        var (program, all) = ServiceAccount.Command("pgbackrest", [$"--stanza={Stanza}", .. arguments]);
        return CommandRunner.RunAsync(program, all, timeout, environment, workingDirectory: "/", logFile: context.Paths.LogOf("pgbackrest"),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Creates the stanza (idempotent: an existing stanza of the same cluster is left as it is), then takes a first full
    /// backup when the repository holds none, so a standby can be restored from it and a point in time recovered.
    /// Returns what it did.
    /// </summary>
    public static async Task<string> EnsureStanzaAndFirstBackupAsync(StackContext context, Node primary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var created = await RunAsync(context, primary, ["stanza-create"], TimeSpan.FromMinutes(1), cancellationToken);
        if (!created.Succeeded)
        {
            throw new StackException($"pgbackrest stanza-create failed (exit {created.ExitCode}):\n{created.Output}");
        }

        if ((await InfoAsync(context, primary, cancellationToken)).Backups.Count > 0)
        {
            return "stanza " + Stanza + ", a backup exists";
        }

        var backup = await BackupAsync(context, primary, BackupType.Full, cancellationToken);
        return $"stanza {Stanza}, first full backup {backup.Label}";
    }

    /// <summary>Takes a backup of <paramref name="primary"/>'s cluster (expiring what the retention no longer keeps).</summary>
    public static async Task<BackupSet> BackupAsync(StackContext context, Node primary, BackupType type, CancellationToken cancellationToken)
    {
        var result = await RunAsync(context, primary, [$"--type={type.ToString().ToLowerInvariant()}", "backup"], TimeSpan.FromMinutes(10), cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"pgbackrest backup failed (exit {result.ExitCode}):\n{result.Output}");
        }

        return (await InfoAsync(context, primary, cancellationToken)).Backups is { Count: > 0 } backups
            ? backups[^1]
            : throw new StackException("pgbackrest backup succeeded but info lists no backup");
    }

    /// <summary>
    /// Closes the primary's current WAL segment and waits until the archive has it (pgbackrest check): what was
    /// committed until now can then be recovered from the repository alone.
    /// </summary>
    public static async Task ArchiveCurrentWalAsync(StackContext context, Node primary, CancellationToken cancellationToken)
    {
        var result = await RunAsync(context, primary, ["check"], TimeSpan.FromMinutes(2), cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"pgbackrest check (WAL switch and archive) failed (exit {result.ExitCode}):\n{result.Output}");
        }
    }

    /// <summary>The repository's backups of the stanza, oldest first, and its archive's WAL range.</summary>
    public static async Task<RepositoryInfo> InfoAsync(StackContext context, Node node, CancellationToken cancellationToken)
    {
        var result = await RunAsync(context, node, ["--output=json", "info"], TimeSpan.FromMinutes(1), cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"pgbackrest info failed (exit {result.ExitCode}):\n{result.Output}");
        }

        return RepositoryInfo.Parse(result.Output);
    }
}

/// <summary>A pgBackRest backup type: full copies every file, diff the files changed since the last full backup.</summary>
public enum BackupType
{
    Full,
    Diff,
}

/// <summary>One backup in the repository: its label, type, when it ran and how much it stored.</summary>
public sealed record BackupSet(string Label, string Type, DateTimeOffset Started, DateTimeOffset Stopped, long DatabaseBytes, long RepositoryBytes);

/// <summary>What `pgbackrest info --output=json` says about the stanza.</summary>
public sealed record RepositoryInfo(IReadOnlyList<BackupSet> Backups, string? OldestWal, string? NewestWal)
{
    /// <summary>Parses the JSON array pgBackRest prints (one element per stanza); the output may carry warnings before it.</summary>
    public static RepositoryInfo Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var start = output.IndexOf("[{", StringComparison.Ordinal);
        if (start < 0)
        {
            return new RepositoryInfo([], null, null);
        }

        using var json = JsonDocument.Parse(output[start..].Trim());
        var stanza = json.RootElement.EnumerateArray().FirstOrDefault();
        if (stanza.ValueKind != JsonValueKind.Object)
        {
            return new RepositoryInfo([], null, null);
        }

        var backups = stanza.TryGetProperty("backup", out var list)
            ? list.EnumerateArray().Select(b => new BackupSet(
                b.GetProperty("label").GetString()!,
                b.GetProperty("type").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(b.GetProperty("timestamp").GetProperty("start").GetInt64()),
                DateTimeOffset.FromUnixTimeSeconds(b.GetProperty("timestamp").GetProperty("stop").GetInt64()),
                b.GetProperty("info").GetProperty("size").GetInt64(),
                b.GetProperty("info").GetProperty("repository").GetProperty("delta").GetInt64())).ToList()
            : [];
        var archive = stanza.TryGetProperty("archive", out var archives) ? archives.EnumerateArray().LastOrDefault() : default;
        return archive.ValueKind == JsonValueKind.Object
            ? new RepositoryInfo(backups, archive.GetProperty("min").GetString(), archive.GetProperty("max").GetString())
            : new RepositoryInfo(backups, null, null);
    }
}
