using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Redis node (sessions and the DataProtection key ring): primary in the initial region, replica in the other,
/// AOF-persisted. Shared settings in deploy/redis/redis.conf, per-node ones on the command line.
/// </summary>
public sealed class RedisServer : Server
{
    public override NodeKind Kind => NodeKind.Redis;

    /// <summary>The node's own config: Sentinel makes Redis rewrite it (CONFIG REWRITE) on a role change, so it must
    /// be a writable copy, and it keeps the role across restarts. It includes the shared file.</summary>
    public static string NodeConfig(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "redis.conf");

    public override void Prepare(Node node, StackContext context)
    {
        base.Prepare(node, context);
        var config = NodeConfig(node, context);
        if (File.Exists(config))
        {
            return;
        }

        var lines = new List<string> { $"include {Path.Combine(context.Paths.Deploy, "redis", "redis.conf")}" };
        if (node.Region != context.Topology.RedisInitialPrimaryRegion)
        {
            var primary = context.Topology.NodeOf(NodeKind.Redis, context.Topology.RedisInitialPrimaryRegion);
            lines.Add($"replicaof {primary.Address} {primary.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        File.WriteAllLines(config, lines);
        FileModes.Set(config, FileModes.OwnerReadWrite);
    }

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var port = node.Port.ToString(CultureInfo.InvariantCulture);
        var address = node.Address.ToString();
        return new LaunchSpec("redis-server",
        [
            NodeConfig(node, context),
            "--bind", address,
            "--port", port,
            "--dir", context.Paths.DataOf(node.Name),
            "--requirepass", context.Secrets.RedisPassword,
            "--masterauth", context.Secrets.RedisPassword,
            "--replica-announce-ip", address,
            "--replica-announce-port", port,
        ]);
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        var output = await RedisCli.RunAsync(node.Address.ToString(), node.Port, context.Secrets.RedisPassword, ["INFO", "replication"], cancellationToken);
        if (output is null)
        {
            return NodeProbe.Down("no answer");
        }

        var info = RedisCli.ParseInfo(output);
        if (info.GetValueOrDefault("role") == "master")
        {
            var replicas = int.TryParse(info.GetValueOrDefault("connected_slaves"), CultureInfo.InvariantCulture, out var count) ? count : 0;
            return new NodeProbe(true, "primary", $"{replicas} replica(s) connected") { LinkedReplicas = replicas };
        }

        var link = info.GetValueOrDefault("master_link_status", "?");
        return new NodeProbe(link == "up", "replica", $"of {info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}, link {link}");
    }
}
