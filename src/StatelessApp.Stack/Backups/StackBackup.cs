using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Backups;

/// <summary>
/// `./stack backup`: a pgBackRest backup of the shop's cluster (differential, or full when asked or when none exists),
/// a copy of a Redis replica's RDB and an etcd snapshot, all at the witness under <see cref="StackPaths.Backups"/>;
/// each timed. Redis and etcd files beyond the newest <see cref="RetainedCopies"/> are deleted (pgBackRest expires its
/// own: <see cref="PgBackRest.RetainedFullBackups"/> full backups).
/// </summary>
public sealed class StackBackup(StackController controller, TextWriter output)
{
    /// <summary>How many Redis RDB copies and etcd snapshots are kept.</summary>
    public const int RetainedCopies = 7;

    private static readonly TimeSpan CopyTimeout = TimeSpan.FromMinutes(2);

    private StackContext Context => controller.Context;

    public string RedisFolder => Path.Combine(Context.Paths.Backups, "redis");

    public string EtcdFolder => Path.Combine(Context.Paths.Backups, "etcd");

    /// <summary>Takes the three backups; what each produced, in order PostgreSQL, Redis, etcd.</summary>
    public async Task<BackupOutcome> RunAsync(BackupType type, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        var watch = Stopwatch.StartNew();
        var primary = await controller.PrimaryAsync(NodeKind.Postgres, cancellationToken) ?? throw new StackException("backup: no PostgreSQL primary");
        PgBackRest.EnsureRepository(Context);
        var set = await PgBackRest.BackupAsync(Context, primary, type, cancellationToken);
        var postgresTime = watch.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"postgres: {set.Type} backup {set.Label} of {primary.Name} ({set.DatabaseBytes / 1048576.0:0.0} MB, {set.RepositoryBytes / 1048576.0:0.0} MB stored) in {Context.Paths.PostgresBackups}, {postgresTime.TotalSeconds:0.0} s"));

        watch.Restart();
        var (replica, rdb) = await CopyRedisAsync(stamp, cancellationToken);
        var redisTime = watch.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"redis: RDB of {replica.Name} ({new FileInfo(rdb).Length / 1024.0:0.0} KB) to {rdb}, {redisTime.TotalSeconds:0.0} s"));

        watch.Restart();
        var (member, snapshot) = await SnapshotEtcdAsync(stamp, cancellationToken);
        var etcdTime = watch.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"etcd: snapshot of {member.Name} ({new FileInfo(snapshot).Length / 1024.0:0.0} KB) to {snapshot}, {etcdTime.TotalSeconds:0.0} s"));

        foreach (var (folder, pattern) in new[] { (RedisFolder, "*.rdb"), (EtcdFolder, "*.db") })
        {
            foreach (var old in Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal).SkipLast(RetainedCopies))
            {
                File.Delete(old);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backup done in {total.Elapsed.TotalSeconds:0.0} s"));
        return new BackupOutcome(set, postgresTime, rdb, redisTime, snapshot, etcdTime);
    }

    /// <summary>
    /// The RDB of a Redis replica (the witness's, never promoted, when it is healthy), fetched with redis-cli --rdb as
    /// the ACL user replica (a full sync's rights: REPLCONF, SYNC), over TLS, the password in REDISCLI_AUTH.
    /// </summary>
    private async Task<(Node Replica, string File)> CopyRedisAsync(string stamp, CancellationToken cancellationToken)
    {
        var probes = await controller.ProbeAllAsync(Context.Topology.NodesOf(NodeKind.Redis), cancellationToken);
        // A replica forks for the copy, not the primary the app writes to; the primary only when no replica is healthy.
        var source = probes.Where(p => p.Probe.Healthy)
            .OrderByDescending(p => p.Probe.Role == ServerRole.Replica)
            .ThenByDescending(p => p.Node.Region == StackTopology.WitnessRegion)
            .Select(p => p.Node)
            .FirstOrDefault()
            ?? throw new StackException("backup: no healthy Redis node");
        Directory.CreateDirectory(RedisFolder);
        var file = Path.Combine(RedisFolder, $"dump-{stamp}.rdb");
        var arguments = new List<string>
        {
            "-h", source.Address.ToString(), "-p", source.Port.ToString(CultureInfo.InvariantCulture),
            "--user", RedisUsers.Replica, "--no-auth-warning",
        };
        if (Context.Tls)
        {
            arguments.AddRange(["--tls", "--cacert", Context.Certificates.CaCertificateFile]);
        }

        arguments.AddRange(["--rdb", file]);
        var result = await CommandRunner.RunAsync("redis-cli", arguments, CopyTimeout,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["REDISCLI_AUTH"] = Context.Secrets.RedisReplicaPassword },
            cancellationToken: cancellationToken);
        if (!result.Succeeded || !File.Exists(file))
        {
            throw new StackException($"redis-cli --rdb from {source.Name} failed (exit {result.ExitCode}):\n{result.Output}");
        }

        FileModes.Set(file, FileModes.OwnerReadWrite);
        return (source, file);
    }

    /// <summary>An etcd snapshot from the witness member (etcdctl snapshot save takes one endpoint), as etcd's root user.</summary>
    private async Task<(Node Member, string File)> SnapshotEtcdAsync(string stamp, CancellationToken cancellationToken)
    {
        var members = Context.Topology.NodesOf(NodeKind.Etcd);
        var probes = await controller.ProbeAllAsync(members, cancellationToken);
        var member = probes.Where(p => p.Probe.Healthy).OrderByDescending(p => p.Node.Region == StackTopology.WitnessRegion).Select(p => p.Node).FirstOrDefault()
            ?? throw new StackException("backup: no healthy etcd member");
        Directory.CreateDirectory(EtcdFolder);
        var file = Path.Combine(EtcdFolder, $"snapshot-{stamp}.db");
        var result = await CommandRunner.RunAsync("etcdctl", [$"--endpoints={EtcdServer.ClientUrl(member, Context)}", "snapshot", "save", file],
            Etcdctl.Timeout, Etcdctl.AsRoot(Context), cancellationToken: cancellationToken);
        if (!result.Succeeded || !File.Exists(file))
        {
            throw new StackException($"etcdctl snapshot save from {member.Name} failed (exit {result.ExitCode}):\n{result.Output}");
        }

        FileModes.Set(file, FileModes.OwnerReadWrite);
        return (member, file);
    }
}

/// <summary>What one `./stack backup` produced and how long each part took.</summary>
public sealed record BackupOutcome(BackupSet Postgres, TimeSpan PostgresTime, string RedisRdb, TimeSpan RedisTime, string EtcdSnapshot, TimeSpan EtcdTime);
