using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Redis Sentinel (one per region and one at the witness; quorum 2). When the primary dies it promotes the other
/// region's replica (the witness replica has replica-priority 0) and points the remaining replicas at it. Replicas are
/// not configured here: Sentinel discovers them from the primary's INFO.
/// </summary>
public sealed class SentinelServer : Server
{
    public override NodeKind Kind => NodeKind.Sentinel;

    /// <summary>Sentinel rewrites its config with what it learns (current primary, epochs): a writable copy per node.</summary>
    public static string NodeConfig(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "sentinel.conf");

    public override void Prepare(Node node, StackContext context)
    {
        base.Prepare(node, context);
        // The node rewrites its config with the passwords in it (CONFIG REWRITE, Sentinel's own rewrites) as a new file
        // of the default mode: the folder, not the file's mode, keeps them from other accounts.
        FileModes.Set(context.Paths.DataOf(node.Name), FileModes.OwnerOnlyFolder);
        var config = NodeConfig(node, context);
        if (File.Exists(config))
        {
            return;
        }

        var primary = context.Topology.NodeOf(NodeKind.Redis, context.Topology.RedisInitialPrimaryRegion);
        FileModes.WritePrivate(config, RenderConfig(context.Paths.Deploy, node.Endpoint, context.Paths.DataOf(node.Name),
            context.Topology.RedisMasterName, primary.Endpoint, FailoverTimeout(node, context), context.Secrets, context.Tls));
    }

    /// <summary>The failover-timeout of the node's site (ms), from deploy/lib/failure-timeouts.sh: one per site, so a split vote is not split again.</summary>
    public static string FailoverTimeout(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        var key = $"SENTINEL_FAILOVER_TIMEOUT_{node.Region.ToUpperInvariant()}";
        return context.FailureTimeouts.Variables.TryGetValue(key, out var value)
            ? value
            : throw new StackException($"deploy/lib/failure-timeouts.sh gave no {key} for Sentinel {node.Name}");
    }

    /// <summary>
    /// deploy/redis/sentinel.conf for a Sentinel listening on <paramref name="endpoint"/> ("address:port") that monitors
    /// <paramref name="primary"/>, with the ACL users' password hashes, and with TLS the include of deploy/redis/tls.conf.
    /// </summary>
    /// <param name="failoverTimeout">Milliseconds, as <see cref="FailoverTimeout"/> gives them for the node's site.</param>
    public static string RenderConfig(string deploy, string endpoint, string directory, string masterName, string primary,
        string failoverTimeout, StackSecrets secrets, bool tls)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SENTINEL_BIND"] = endpoint[..endpoint.LastIndexOf(':')],
            ["SENTINEL_PORT"] = endpoint[(endpoint.LastIndexOf(':') + 1)..],
            ["SENTINEL_DIR"] = directory,
            ["REDIS_MASTER_NAME"] = masterName,
            ["REDIS_PRIMARY_ADDR"] = primary[..primary.LastIndexOf(':')],
            ["REDIS_PORT"] = primary[(primary.LastIndexOf(':') + 1)..],
            ["REDIS_SENTINEL_PASSWORD"] = secrets.RedisSentinelPassword,
            ["SENTINEL_FAILOVER_TIMEOUT"] = failoverTimeout,
        };
        foreach (var (name, hash) in RedisUsers.PasswordHashes(secrets))
        {
            variables[name] = hash;
        }

        var rendered = ConfigTemplate.Render(File.ReadAllText(Path.Combine(deploy, "redis", "sentinel.conf")), variables, "deploy/redis/sentinel.conf");
        return tls ? rendered + $"include {Path.Combine(deploy, "redis", "tls.conf")}\n" : rendered;
    }

    /// <summary>The node's config, and with TLS its tls-port and certificate files (as a Redis node gets them).</summary>
    public override LaunchSpec Launch(Node node, StackContext context) =>
        new("redis-sentinel", [NodeConfig(node, context), .. RedisServer.Listener(node, context)]);

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        var output = await RedisCli.RunAsync(context, node, ["SENTINEL", "MASTER", context.Topology.RedisMasterName], cancellationToken);
        if (output is null)
        {
            return NodeProbe.Down("no answer");
        }

        var master = RedisCli.ParsePairs(output);
        var flags = master.GetValueOrDefault("flags", "");
        var replicas = master.GetValueOrDefault("num-slaves", "0");
        var others = master.GetValueOrDefault("num-other-sentinels", "0");
        var healthy = flags == "master";
        return new NodeProbe(healthy, ServerRole.None, $"primary {master.GetValueOrDefault("ip")}:{master.GetValueOrDefault("port")} ({flags}), {replicas} replica(s), {others} other sentinel(s)");
    }

    /// <summary>
    /// "address:port" of the primary this Sentinel names (SENTINEL GET-MASTER-ADDR-BY-NAME), or null when it does not
    /// answer. What the Sentinels say, as opposed to what the Redis nodes' own probes report.
    /// </summary>
    public static async Task<string?> NamedPrimaryAsync(Node sentinel, StackContext context, CancellationToken cancellationToken)
    {
        var answer = await RedisCli.RunAsync(context, sentinel, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", context.Topology.RedisMasterName], cancellationToken);
        return answer?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is [var host, var port]
            ? $"{host}:{port}"
            : null;
    }

    /// <summary>How many replicas and other Sentinels this Sentinel knows: `up` waits until all three know each other.</summary>
    public static async Task<(int Replicas, int OtherSentinels)?> KnowledgeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        var output = await RedisCli.RunAsync(context, node, ["SENTINEL", "MASTER", context.Topology.RedisMasterName], cancellationToken);
        if (output is null)
        {
            return null;
        }

        var master = RedisCli.ParsePairs(output);
        return (int.Parse(master.GetValueOrDefault("num-slaves", "0"), CultureInfo.InvariantCulture),
            int.Parse(master.GetValueOrDefault("num-other-sentinels", "0"), CultureInfo.InvariantCulture));
    }
}
