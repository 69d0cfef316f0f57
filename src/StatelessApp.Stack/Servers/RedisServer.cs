using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Redis node (sessions and the DataProtection key ring), AOF-persisted: primary in the initial region, replica in the
/// other region and at the witness site. The witness node is never promoted (<see cref="NeverPromoted"/>): it exists so
/// that writes confirmed with WAIT 1 still find a replica after a whole region is lost. Shared settings in
/// deploy/redis/redis.conf (and deploy/redis/tls.conf with TLS, the default), per-node ones on the command line, users in
/// a rendered deploy/redis/users.acl, passwords only in files of mode 600.
/// </summary>
public sealed class RedisServer : Server
{
    public override NodeKind Kind => NodeKind.Redis;

    /// <summary>The node's own config: Sentinel makes Redis rewrite it (CONFIG REWRITE) on a role change, so it must
    /// be a writable copy, and it keeps the role across restarts. It includes the shared file.</summary>
    public static string NodeConfig(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "redis.conf");

    /// <summary>The node's ACL file (deploy/redis/users.acl rendered, mode 600), written again at every start.</summary>
    public static string AclFile(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "users.acl");

    /// <summary>
    /// The witness site's node: it includes deploy/redis/never-promoted.conf (replica-priority 0), so Sentinel never
    /// makes it the primary. The witness runs no app instances; its Redis only confirms writes.
    /// </summary>
    public static bool NeverPromoted(Node node) => node.Region == StackTopology.WitnessRegion;

    public override void Prepare(Node node, StackContext context)
    {
        base.Prepare(node, context);
        // The node rewrites its config with the passwords in it (CONFIG REWRITE, Sentinel's own rewrites) as a new file
        // of the default mode: the folder, not the file's mode, keeps them from other accounts.
        FileModes.Set(context.Paths.DataOf(node.Name), FileModes.OwnerOnlyFolder);
        var config = NodeConfig(node, context);
        if (!File.Exists(config))
        {
            FileModes.WritePrivate(config, string.Join('\n', FirstStartConfig(node, context)) + "\n");
        }

        RedisUsers.WriteAclFile(Path.Combine(context.Paths.Deploy, "redis", "users.acl"), AclFile(node, context), context.Secrets);
        WriteReplicationCredentials(node, context);

        // Also on a node's first start: a node added to a stack that has failed over (the witness node, say) must
        // replicate from the primary now, not from the initial one.
        FollowThePrimarySentinelsName(node, context);
    }

    /// <summary>
    /// The node's config as first written: the shared settings, the never-promoted ones for the witness node, and
    /// every node but the initial primary a replica of it. (The compose start script writes the same lines.)
    /// </summary>
    public static IReadOnlyList<string> FirstStartConfig(Node node, StackContext context)
    {
        var lines = new List<string> { $"include {Path.Combine(context.Paths.Deploy, "redis", "redis.conf")}" };
        if (context.Tls)
        {
            lines.Add($"include {Path.Combine(context.Paths.Deploy, "redis", "tls.conf")}");
        }

        if (NeverPromoted(node))
        {
            lines.Add($"include {Path.Combine(context.Paths.Deploy, "redis", "never-promoted.conf")}");
        }

        if (node.Region != context.Topology.RedisInitialPrimaryRegion)
        {
            var primary = context.Topology.NodeOf(NodeKind.Redis, context.Topology.RedisInitialPrimaryRegion);
            lines.Add($"replicaof {primary.Address} {primary.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        return lines;
    }

    /// <summary>
    /// The replica's user and password towards its primary (every node: any of them may become a replica). In the node's
    /// own config (mode 600), not on the command line where `ps` and the logs would show it; replaced at every start, so a
    /// changed secret applies on the next restart.
    /// </summary>
    private static void WriteReplicationCredentials(Node node, StackContext context)
    {
        var config = NodeConfig(node, context);
        var lines = File.ReadAllLines(config)
            .Where(line => !line.StartsWith("masteruser ", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("masterauth ", StringComparison.OrdinalIgnoreCase))
            .Append($"masteruser {RedisUsers.Replica}")
            .Append($"masterauth {context.Secrets.RedisReplicaPassword}");
        FileModes.WritePrivate(config, string.Join('\n', lines) + "\n");
    }

    /// <summary>
    /// A node that comes back after a failover must not start as the primary its config file still names: it would take
    /// writes next to the promoted one until Sentinel demotes it (about 10 s, measured by the drills), and a client still
    /// connected to it would write into data that is about to be discarded. When a Sentinel answers and names another
    /// primary, the node's config is pointed at it before the start, so the role also survives a later full restart.
    /// </summary>
    private static void FollowThePrimarySentinelsName(Node node, StackContext context)
    {
        if (PrimaryNamedBySentinels(context) is not { } primary || primary == node.Endpoint)
        {
            return;
        }

        var config = NodeConfig(node, context);
        var separator = primary.LastIndexOf(':');
        var lines = File.ReadAllLines(config)
            .Where(line => !line.StartsWith("replicaof ", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("slaveof ", StringComparison.OrdinalIgnoreCase))
            .Append($"replicaof {primary[..separator]} {primary[(separator + 1)..]}");
        FileModes.WritePrivate(config, string.Join('\n', lines) + "\n");
    }

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var port = node.Port.ToString(CultureInfo.InvariantCulture);
        var address = node.Address.ToString();
        return new LaunchSpec("redis-server",
        [
            NodeConfig(node, context),
            "--bind", address,
            .. Listener(node, context),
            "--dir", context.Paths.DataOf(node.Name),
            "--aclfile", AclFile(node, context),
            "--replica-announce-ip", address,
            "--replica-announce-port", port,
        ]);
    }

    /// <summary>
    /// The node's port: with TLS its tls-port and certificate files (tls.conf, included by the config, closes the
    /// plaintext port), otherwise the plaintext port. Shared by Redis and Sentinel.
    /// </summary>
    internal static IEnumerable<string> Listener(Node node, StackContext context)
    {
        var port = node.Port.ToString(CultureInfo.InvariantCulture);
        if (!context.Tls)
        {
            return ["--port", port];
        }

        var certificate = context.Certificates.For(node);
        return
        [
            "--tls-port", port,
            "--tls-cert-file", certificate.CertificateFile,
            "--tls-key-file", certificate.KeyFile,
            "--tls-ca-cert-file", context.Certificates.CaCertificateFile,
        ];
    }

    /// <summary>
    /// "address:port" of the primary the first answering Sentinel names; while none runs (a whole `up` after `down`), the
    /// one their config files name last (highest epoch): a node that was primary when its region died must not come back
    /// as a second primary just because the Sentinels start after it. Null on a fresh stack.
    /// </summary>
    private static string? PrimaryNamedBySentinels(StackContext context) =>
        PrimaryNamedByRunningSentinels(context)
        ?? SentinelConfigFile.LatestPrimary(
            context.Topology.NodesOf(NodeKind.Sentinel).Select(sentinel => SentinelServer.NodeConfig(sentinel, context)),
            context.Topology.RedisMasterName);

    private static string? PrimaryNamedByRunningSentinels(StackContext context)
    {
        foreach (var sentinel in context.Topology.NodesOf(NodeKind.Sentinel))
        {
            if (SentinelServer.NamedPrimaryAsync(sentinel, context, CancellationToken.None).GetAwaiter().GetResult() is { } primary)
            {
                return primary;
            }
        }

        return null;
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        var output = await RedisCli.RunAsync(context, node, ["INFO", "replication"], cancellationToken);
        if (output is null)
        {
            return NodeProbe.Down("no answer");
        }

        var info = RedisCli.ParseInfo(output);
        if (info.GetValueOrDefault("role") == "master")
        {
            var replicas = int.TryParse(info.GetValueOrDefault("connected_slaves"), CultureInfo.InvariantCulture, out var count) ? count : 0;
            return new NodeProbe(true, ServerRole.Primary, $"{replicas} replica(s) connected") { LinkedReplicas = replicas };
        }

        var link = info.GetValueOrDefault("master_link_status", "?");
        // Sentinel reads the same field (slave_priority) to leave the node out of every failover.
        var neverPromoted = info.GetValueOrDefault("slave_priority") == "0" ? ", never promoted (replica-priority 0)" : "";
        return new NodeProbe(link == "up", ServerRole.Replica, $"of {info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}, link {link}{neverPromoted}");
    }
}
