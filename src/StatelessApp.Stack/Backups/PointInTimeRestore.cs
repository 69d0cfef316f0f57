using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Backups;

/// <summary>
/// `./stack restore --time T`: point-in-time recovery of the shop's cluster from pgBackRest's repository into a FRESH
/// standalone PostgreSQL (its own folder, <see cref="StackPaths.RestoreOf"/>, on a spare witness address), never touching
/// the running cluster. The restored server archives nothing (archive_mode off: the repository stays the live cluster's)
/// and admits only the superuser through its own Unix socket (a private folder): it is there to be inspected or to have
/// rows copied out of it, not to serve the app.
/// </summary>
public sealed partial class PointInTimeRestore(StackController controller, TextWriter output)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(5);

    private StackContext Context => controller.Context;

    private string Folder(IPAddress address) => Context.Paths.RestoreOf(address.ToString());

    private static string DataOf(string folder) => Path.Combine(folder, "data");

    private static string SocketOf(string folder) => Path.Combine(folder, "socket");

    private static string LogOf(string folder) => Path.Combine(folder, "postgres.log");

    private int Port => Context.Topology.NodesOf(NodeKind.Postgres)[0].Port;

    /// <summary>Restores the state of <paramref name="target"/> into a fresh cluster on <paramref name="address"/> and waits until it is promoted.</summary>
    public async Task<RestoreOutcome> RestoreAsync(DateTimeOffset target, IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var total = Stopwatch.StartNew();
        var anyNode = Context.Topology.NodesOf(NodeKind.Postgres)[0];
        if (!File.Exists(PgBackRest.ConfigFile(anyNode, Context)))
        {
            throw new StackException("restore: no pgBackRest configuration yet (run ./stack up first)");
        }

        if (target > DateTimeOffset.UtcNow)
        {
            throw new StackException($"restore: {FormatTarget(target)} is in the future");
        }

        // Recovery to a time stops at the first commit after it, so one must exist (a quiet database may have none):
        // commit one now, then put everything up to it into the archive, or recovery would stop short of the target.
        if (await controller.PrimaryAsync(NodeKind.Postgres, cancellationToken) is { } primary)
        {
            await CommitNowAsync(primary, cancellationToken);
            await PgBackRest.ArchiveCurrentWalAsync(Context, primary, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"archive: {primary.Name}'s current WAL archived ({total.Elapsed.TotalSeconds:0.0} s)"));
        }
        else
        {
            output.WriteLine("archive: no PostgreSQL primary running; restoring from what the repository holds");
        }

        await DropAsync(address, quiet: true, cancellationToken);
        var folder = Context.Paths.CreateServiceAccountFolderAt(Folder(address));
        var data = DataOf(folder);
        var socket = SocketOf(folder);
        foreach (var private_ in new[] { data, socket })
        {
            Directory.CreateDirectory(private_);
            FileModes.Set(private_, FileModes.OwnerOnlyFolder);
        }

        // Only the superuser, only through the socket (a folder only postgres and root can enter), with its password.
        var hba = Path.Combine(folder, "pg_hba.conf");
        File.WriteAllText(hba, "# ./stack restore: the superuser through the Unix socket only\nlocal all postgres scram-sha-256\n");
        ServiceAccount.Own(folder, recursive: true);

        var restoreWatch = Stopwatch.StartNew();
        var restored = await PgBackRest.RunAsync(Context, anyNode,
            [$"--pg1-path={data}", "--type=time", $"--target={FormatTarget(target)}", "--target-action=promote", "--log-level-console=info", "restore"],
            TimeSpan.FromMinutes(10), cancellationToken);
        if (!restored.Succeeded)
        {
            throw new StackException($"pgbackrest restore failed (exit {restored.ExitCode}):\n{restored.Output}");
        }

        var backupSet = BackupSetLine().Match(restored.Output) is { Success: true } set ? set.Groups["label"].Value : "?";
        var restoreTime = restoreWatch.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restore: backup set {backupSet} copied into {data} ({restoreTime.TotalSeconds:0.0} s)"));

        var recoveryWatch = Stopwatch.StartNew();
        var options = string.Join(' ',
            $"-c listen_addresses={address}", $"-c port={Port.ToString(CultureInfo.InvariantCulture)}", $"-c unix_socket_directories={socket}",
            "-c archive_mode=off", "-c ssl=off", $"-c hba_file={hba}", "-c cluster_name=restore");
        var (program, arguments) = ServiceAccount.Command(Path.Combine(Context.Tools.PostgresBinDirectory, "pg_ctl"),
            ["start", "-D", data, "-l", LogOf(folder), "-o", options, "-w", "-t", "600"]);
        // -w: back once it accepts (read-only) connections during recovery, its pid file written; the promotion comes later.
        var started = await CommandRunner.RunAsync(program, arguments, TimeSpan.FromMinutes(11),
            new Dictionary<string, string>(StringComparer.Ordinal) { [PgBackRest.ConfigVariable] = PgBackRest.ConfigFile(anyNode, Context) },
            workingDirectory: "/", cancellationToken: cancellationToken);
        if (!started.Succeeded)
        {
            throw new StackException($"pg_ctl start of the restored cluster failed:\n{started.Output}\n{StackController.Tail(LogOf(folder), 20)}");
        }

        await WaitUntilPromotedAsync(folder, cancellationToken);
        var recoveryTime = recoveryWatch.Elapsed;
        var log = await ReadSharedAsync(LogOf(folder), cancellationToken);
        var stoppedBefore = StoppedBeforeLine().Match(log) is { Success: true } stop ? ParseLogTime(stop.Groups["time"].Value) : (DateTimeOffset?)null;
        var lastReplayed = LastTransactionLine().Match(log) is { Success: true } last ? ParseLogTime(last.Groups["time"].Value) : (DateTimeOffset?)null;
        var outcome = new RestoreOutcome(target, address, Port, data, socket, backupSet, lastReplayed, stoppedBefore, restoreTime, recoveryTime, total.Elapsed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recovery: promoted after {recoveryTime.TotalSeconds:0.0} s; last transaction replayed committed at {Describe(lastReplayed)}"
            + $" ({(lastReplayed is { } l ? (target - l).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s before the target" : "none")}),"
            + $" first one left out at {Describe(stoppedBefore)}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restored shop as of {FormatTarget(target)} into a fresh cluster at {address}:{Port} (superuser through the socket in {socket}) in {total.Elapsed.TotalSeconds:0.0} s"));
        output.WriteLine($"  ./stack restore --drop --into {address}   stops it and deletes {folder}");
        return outcome;
    }

    /// <summary>Stops the restored cluster on <paramref name="address"/> (if running) and deletes its folder.</summary>
    public async Task DropAsync(IPAddress address, bool quiet = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var folder = Folder(address);
        if (File.Exists(Path.Combine(DataOf(folder), "postmaster.pid")))
        {
            var (program, arguments) = ServiceAccount.Command(Path.Combine(Context.Tools.PostgresBinDirectory, "pg_ctl"), ["stop", "-D", DataOf(folder), "-m", "fast", "-w"]);
            await CommandRunner.RunAsync(program, arguments, TimeSpan.FromMinutes(1), workingDirectory: "/", cancellationToken: cancellationToken);
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
            if (!quiet)
            {
                output.WriteLine($"dropped the restored cluster at {address} ({folder})");
            }
        }
        else if (!quiet)
        {
            output.WriteLine($"no restored cluster at {address}");
        }
    }

    /// <summary>A transaction that takes a transaction id commits with a timestamp: the commit after any earlier target.</summary>
    private async Task CommitNowAsync(Node primary, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(PatroniServer.SuperuserConnectionString(primary, Context, "postgres") + ";Pooling=false;Timeout=15");
        await connection.OpenAsync(cancellationToken);
        await using var commit = new Npgsql.NpgsqlCommand("SELECT txid_current()", connection);
        await commit.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Recovery ends with a promotion (recovery_target_action=promote), after which PostgreSQL logs that it accepts
    /// connections (read-write; during recovery it said "read-only"). pg_control cannot tell: the backup copied the
    /// primary's, "in production".
    /// </summary>
    private static async Task WaitUntilPromotedAsync(string folder, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RecoveryTimeout);
        try
        {
            while (true)
            {
                var log = await ReadSharedAsync(LogOf(folder), limit.Token);
                if (log.Contains("database system is ready to accept connections", StringComparison.Ordinal))
                {
                    return;
                }

                if (!File.Exists(Path.Combine(DataOf(folder), "postmaster.pid")))
                {
                    throw new StackException($"the restored cluster stopped during recovery:\n{StackController.Tail(LogOf(folder), 20)}");
                }

                await Task.Delay(200, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StackException($"the restored cluster was not promoted within {RecoveryTimeout.TotalMinutes:0} min:\n{StackController.Tail(LogOf(folder), 20)}");
        }
    }

    private static async Task<string> ReadSharedAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return "";
        }

        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>The target as PostgreSQL's recovery_target_time reads it: UTC, microseconds.</summary>
    public static string FormatTarget(DateTimeOffset target) =>
        target.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);

    /// <summary>A time as PostgreSQL logs it ("2026-12-05 17:39:01.058574+00").</summary>
    internal static DateTimeOffset ParseLogTime(string text) =>
        DateTimeOffset.Parse(ShortOffset().IsMatch(text) ? text + ":00" : text, CultureInfo.InvariantCulture);

    private static string Describe(DateTimeOffset? time) => time is { } t ? FormatTarget(t) : "(none)";

    [GeneratedRegex(@"restore backup set (?<label>\S+)")]
    private static partial Regex BackupSetLine();

    [GeneratedRegex(@"recovery stopping before commit of transaction \d+, time (?<time>[0-9:. +-]+\+\d\d)")]
    private static partial Regex StoppedBeforeLine();

    [GeneratedRegex(@"last completed transaction was at log time (?<time>[0-9:. +-]+\+\d\d)")]
    private static partial Regex LastTransactionLine();

    [GeneratedRegex(@"[+-]\d\d$")]
    private static partial Regex ShortOffset();
}

/// <summary>
/// What a point-in-time restore did: the target, where the fresh cluster runs, the backup set it started from, the
/// commit time of the last transaction it replayed (the recovery point) and of the first one it left out, and the times.
/// </summary>
public sealed record RestoreOutcome(DateTimeOffset Target, IPAddress Address, int Port, string DataDirectory, string SocketDirectory, string BackupSet,
    DateTimeOffset? LastReplayedCommit, DateTimeOffset? FirstLeftOutCommit, TimeSpan RestoreTime, TimeSpan RecoveryTime, TimeSpan Total)
{
    /// <summary>The superuser on the restored cluster, through its socket.</summary>
    public string SuperuserConnectionString(string password, string database = "shop") =>
        $"Host={SocketDirectory};Port={Port.ToString(CultureInfo.InvariantCulture)};Database={database};Username=postgres;Password={password};Pooling=false";
}
