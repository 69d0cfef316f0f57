using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace StatelessApp.Stack.Topology;

/// <summary>
/// The two-region topology: regions a and b (proxy, two apps, Redis, Sentinel, etcd, Patroni/PostgreSQL each)
/// and the witness w (third Sentinel, third etcd member, DNS, a Redis replica that is never promoted, Prometheus and the Aspire dashboard), and
/// the exporters Prometheus scrapes (one per Redis and PostgreSQL node, one per nginx proxy). Built from
/// deploy/topology.env, validated as a whole: every problem is reported at once, each naming its key.
/// </summary>
public sealed partial class StackTopology
{
    /// <summary>The data-centre regions, in order.</summary>
    public static readonly IReadOnlyList<string> DataRegions = ["a", "b"];

    /// <summary>The witness site's region name.</summary>
    public const string WitnessRegion = "w";

    /// <summary>App instances per region.</summary>
    public const int AppsPerRegion = 2;

    private StackTopology(IReadOnlyDictionary<string, string> values, string domain, string appTlsName, ProxyKind proxyKind, string redisMasterName,
        string patroniScope, string redisInitialPrimary, string postgresInitialLeader, EdgeLimits edgeLimits, IReadOnlyList<Region> regions,
        SiteDistances distances, TimeSpan metricsInterval, IReadOnlyList<Node> nodes)
    {
        Values = values;
        Domain = domain;
        AppTlsName = appTlsName;
        ProxyKind = proxyKind;
        RedisMasterName = redisMasterName;
        PatroniScope = patroniScope;
        RedisInitialPrimaryRegion = redisInitialPrimary;
        PostgresInitialLeaderRegion = postgresInitialLeader;
        EdgeLimits = edgeLimits;
        Regions = regions;
        Distances = distances;
        MetricsInterval = metricsInterval;
        Nodes = nodes;
    }

    /// <summary>Every KEY=VALUE of the file (after overrides): the variables the config templates may use.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The DNS name of the app (two A records: both proxies).</summary>
    public string Domain { get; }

    /// <summary>The DNS name every app instance's certificate carries, which the proxies check (APP_TLS_NAME).</summary>
    public string AppTlsName { get; }

    /// <summary>The default proxy; `up --proxy` can choose the other one.</summary>
    public ProxyKind ProxyKind { get; }

    public string RedisMasterName { get; }

    public string PatroniScope { get; }

    public string RedisInitialPrimaryRegion { get; }

    public string PostgresInitialLeaderRegion { get; }

    /// <summary>The proxies' limits per client address (EDGE_*).</summary>
    public EdgeLimits EdgeLimits { get; }

    public IReadOnlyList<Region> Regions { get; }

    /// <summary>The round trip between each pair of sites (SITE_RTT_*).</summary>
    public SiteDistances Distances { get; }

    /// <summary>How often Prometheus scrapes and evaluates its rules (METRICS_INTERVAL_SECONDS).</summary>
    public TimeSpan MetricsInterval { get; }

    /// <summary>Where `./stack restore` starts the restored cluster unless told otherwise (W_RESTORE_ADDR, at the witness).</summary>
    public IPAddress RestoreAddress { get; private init; } = IPAddress.Loopback;

    /// <summary>Every node, in start order (by <see cref="NodeKind"/>, then region, then ordinal).</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Loads and validates a topology file; environment-style overrides win for keys the file defines.</summary>
    public static StackTopology Load(string path, IReadOnlyDictionary<string, string>? overrides = null) =>
        FromValues(TopologyFile.Read(path, overrides));

    /// <summary>
    /// Loads the topology file with every loopback address and network moved by <paramref name="secondOctetOffset"/>
    /// in its second octet (offset 100: 127.1.0.10 → 127.101.0.10, 127.1.0.0/16 → 127.101.0.0/16), ports unchanged.
    /// A second stack (the stack tests, the benchmark) then runs next to the developer's `./stack up` without a clash.
    /// </summary>
    public static StackTopology LoadOnMovedRange(string path, int secondOctetOffset) => FromValues(ReadOnMovedRange(path, secondOctetOffset));

    /// <summary>The topology file's keys and values, moved as <see cref="LoadOnMovedRange"/> moves them (to write a file of them).</summary>
    public static IReadOnlyDictionary<string, string> ReadOnMovedRange(string path, int secondOctetOffset) =>
        TopologyFile.Read(path).ToDictionary(kv => kv.Key, kv => MoveLoopbackValue(kv.Key, kv.Value, secondOctetOffset), StringComparer.Ordinal);

    /// <summary>Parses and validates topology text (unit tests, tools).</summary>
    public static StackTopology Parse(string text) => FromValues(TopologyFile.Parse(text));

    public Node Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name) ?? throw new ArgumentException($"no node named '{name}' in the topology", nameof(name));

    public IReadOnlyList<Node> NodesOf(NodeKind kind) => [.. Nodes.Where(n => n.Kind == kind)];

    public IReadOnlyList<Node> NodesIn(string region) => [.. Nodes.Where(n => n.Region == region)];

    public Node NodeOf(NodeKind kind, string region) =>
        Nodes.FirstOrDefault(n => n.Kind == kind && n.Region == region)
        ?? throw new ArgumentException($"region '{region}' has no {kind} node", nameof(region));

    /// <summary>The other data region ("a" ↔ "b").</summary>
    public static string OtherRegion(string region) => region == "a" ? "b" : "a";

    /// <summary>Builds the topology from KEY=VALUE pairs, throwing <see cref="TopologyException"/> with every problem.</summary>
    public static StackTopology FromValues(IReadOnlyDictionary<string, string> values)
    {
        var reader = new ValueReader(values);

        var domain = reader.Required("STACK_DOMAIN");
        if (domain is not null && !DomainPattern().IsMatch(domain))
        {
            reader.Error($"STACK_DOMAIN '{domain}' is not a DNS name with at least two labels (e.g. app.stateless.test)");
        }

        var appTlsName = reader.Required("APP_TLS_NAME");
        if (appTlsName is not null && !DomainPattern().IsMatch(appTlsName))
        {
            reader.Error($"APP_TLS_NAME '{appTlsName}' is not a DNS name with at least two labels (e.g. apps.stateless.test)");
        }

        var proxyKindText = reader.Required("STACK_PROXY_KIND");
        ProxyKind proxyKind = default;
        if (proxyKindText is not null && !TryParseProxyKind(proxyKindText, out proxyKind))
        {
            reader.Error($"STACK_PROXY_KIND must be 'haproxy' or 'nginx', not '{proxyKindText}'");
        }

        var masterName = reader.Name("REDIS_MASTER_NAME");
        var scope = reader.Name("PATRONI_SCOPE");
        var redisPrimary = reader.DataRegion("REDIS_INITIAL_PRIMARY");
        var postgresLeader = reader.DataRegion("POSTGRES_INITIAL_LEADER");
        var edgeLimits = new EdgeLimits(
            reader.Count("EDGE_REQUEST_RATE", minimum: 1),
            reader.Count("EDGE_REQUEST_BURST", minimum: 0),
            reader.Count("EDGE_CONNECTIONS", minimum: 1),
            reader.AnyNetwork("EDGE_LIMIT_EXEMPT") ?? IPNetwork.Parse("127.0.0.1/32"));

        var regions = new List<Region>();
        foreach (var (name, isWitness) in DataRegions.Select(r => (r, false)).Append((WitnessRegion, true)))
        {
            var network = reader.Network($"{name.ToUpperInvariant()}_NETWORK");
            if (network is { } n)
            {
                regions.Add(new Region(name, n, isWitness));
            }
        }

        var distances = new SiteDistances(
            TimeSpan.FromMilliseconds(reader.Count("SITE_RTT_A_B", minimum: 0, maximum: SiteDistances.MaximumMilliseconds)),
            TimeSpan.FromMilliseconds(reader.Count("SITE_RTT_A_W", minimum: 0, maximum: SiteDistances.MaximumMilliseconds)),
            TimeSpan.FromMilliseconds(reader.Count("SITE_RTT_B_W", minimum: 0, maximum: SiteDistances.MaximumMilliseconds)));

        for (var i = 0; i < regions.Count; i++)
        {
            for (var j = i + 1; j < regions.Count; j++)
            {
                if (regions[i].Network.Contains(regions[j].Network.BaseAddress) || regions[j].Network.Contains(regions[i].Network.BaseAddress))
                {
                    reader.Error($"{regions[i].Name.ToUpperInvariant()}_NETWORK and {regions[j].Name.ToUpperInvariant()}_NETWORK overlap");
                }
            }
        }

        var ports = new Dictionary<NodeKind, IReadOnlyList<NodePort>>
        {
            [NodeKind.Etcd] = [new("client", reader.Port("ETCD_CLIENT_PORT")), new("peer", reader.Port("ETCD_PEER_PORT"))],
            [NodeKind.Postgres] = [new("postgres", reader.Port("POSTGRES_PORT")), new("patroni-rest", reader.Port("PATRONI_PORT"))],
            [NodeKind.Redis] = [new("redis", reader.Port("REDIS_PORT"))],
            [NodeKind.Sentinel] = [new("sentinel", reader.Port("SENTINEL_PORT"))],
            [NodeKind.App] = [new("https", reader.Port("APP_PORT"))],
            [NodeKind.Proxy] = [new("https", reader.Port("PROXY_PORT")), new("http-redirect", reader.Port("PROXY_HTTP_PORT"))],
            [NodeKind.Dns] = [new("dns", reader.Port("DNS_PORT"), IsUdp: true), new("dns-tcp", reader.Port("DNS_PORT"))],
            [NodeKind.RedisExporter] = [new("metrics", reader.Port("REDIS_EXPORTER_PORT"))],
            [NodeKind.PostgresExporter] = [new("metrics", reader.Port("POSTGRES_EXPORTER_PORT"))],
            [NodeKind.NginxExporter] = [new("metrics", reader.Port("NGINX_EXPORTER_PORT"))],
            [NodeKind.Prometheus] = [new("http", reader.Port("PROMETHEUS_PORT"))],
            [NodeKind.Dashboard] = [new("http", reader.Port("DASHBOARD_PORT")), new("otlp-http", reader.Port("DASHBOARD_OTLP_PORT"))],
        };
        ports[NodeKind.Etcd] = [.. ports[NodeKind.Etcd], new("metrics", reader.Port("ETCD_METRICS_PORT"))];
        ports[NodeKind.Proxy] = [.. ports[NodeKind.Proxy], new("metrics", reader.Port("PROXY_METRICS_PORT"))];
        var metricsInterval = reader.Count("METRICS_INTERVAL_SECONDS", minimum: 1);

        var nodes = new List<Node>();
        foreach (var region in regions)
        {
            foreach (var (kind, ordinal, key) in NodeKeys(region))
            {
                var address = reader.Address(key, region);
                if (address is not null)
                {
                    nodes.Add(new Node(NodeName(kind, region.Name, ordinal), kind, region.Name, address, ports[kind]) { Ordinal = ordinal });
                }
            }
        }

        foreach (var clash in nodes
            .SelectMany(n => n.Ports.Select(p => (Node: n, Port: p)))
            .GroupBy(x => (x.Node.Address, x.Port.Number, x.Port.IsUdp))
            .Where(g => g.Count() > 1))
        {
            reader.Error($"{clash.Key.Address}:{clash.Key.Number}/{(clash.Key.IsUdp ? "udp" : "tcp")} is used by {string.Join(" and ", clash.Select(x => $"{x.Node.Name} ({x.Port.Purpose})").Distinct())}");
        }

        // Not a node: the address `./stack restore` starts a fresh PostgreSQL cluster on by default (off the live cluster).
        var restoreAddress = regions.FirstOrDefault(r => r.IsWitness) is { } witness ? reader.Address("W_RESTORE_ADDR", witness) : null;

        foreach (var unknown in values.Keys.Where(k => !reader.KnownKeys.Contains(k)).Order(StringComparer.Ordinal))
        {
            reader.Error($"{unknown} is not a topology setting (a typo?)");
        }

        if (reader.Errors.Count > 0)
        {
            throw new TopologyException(reader.Errors);
        }

        return new StackTopology(values, domain!, appTlsName!, proxyKind, masterName!, scope!, redisPrimary!, postgresLeader!, edgeLimits, regions, distances,
            TimeSpan.FromSeconds(metricsInterval), [.. nodes.OrderBy(n => n.Kind).ThenBy(n => n.Region, StringComparer.Ordinal).ThenBy(n => n.Ordinal)])
        {
            RestoreAddress = restoreAddress!,
        };
    }

    public static bool TryParseProxyKind(string text, out ProxyKind kind)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "haproxy":
                kind = ProxyKind.Haproxy;
                return true;
            case "nginx":
                kind = ProxyKind.Nginx;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>Node names: kind-region (pg-a, redis-b, dns-w), apps numbered within the region (app-a1, app-b2).</summary>
    public static string NodeName(NodeKind kind, string region, int ordinal = 1) => kind switch
    {
        NodeKind.App => $"app-{region}{ordinal}",
        NodeKind.Postgres => $"pg-{region}",
        NodeKind.RedisExporter => $"redis-exporter-{region}",
        NodeKind.PostgresExporter => $"pg-exporter-{region}",
        NodeKind.NginxExporter => $"nginx-exporter-{region}",
        _ => $"{kind.ToString().ToLowerInvariant()}-{region}",
    };

    private static IEnumerable<(NodeKind Kind, int Ordinal, string Key)> NodeKeys(Region region)
    {
        var prefix = region.Name.ToUpperInvariant();
        if (region.IsWitness)
        {
            // No apps, proxy or PostgreSQL here; its Redis only confirms writes (see RedisServer.NeverPromoted).
            yield return (NodeKind.Redis, 1, $"{prefix}_REDIS_ADDR");
            yield return (NodeKind.Sentinel, 1, $"{prefix}_SENTINEL_ADDR");
            yield return (NodeKind.Etcd, 1, $"{prefix}_ETCD_ADDR");
            yield return (NodeKind.Dns, 1, $"{prefix}_DNS_ADDR");
            yield return (NodeKind.RedisExporter, 1, $"{prefix}_REDIS_EXPORTER_ADDR");
            yield return (NodeKind.Prometheus, 1, $"{prefix}_PROMETHEUS_ADDR");
            yield return (NodeKind.Dashboard, 1, $"{prefix}_DASHBOARD_ADDR");
            yield break;
        }

        yield return (NodeKind.Proxy, 1, $"{prefix}_PROXY_ADDR");
        for (var i = 1; i <= AppsPerRegion; i++)
        {
            yield return (NodeKind.App, i, $"{prefix}_APP{i}_ADDR");
        }

        yield return (NodeKind.Redis, 1, $"{prefix}_REDIS_ADDR");
        yield return (NodeKind.Sentinel, 1, $"{prefix}_SENTINEL_ADDR");
        yield return (NodeKind.Etcd, 1, $"{prefix}_ETCD_ADDR");
        yield return (NodeKind.Postgres, 1, $"{prefix}_POSTGRES_ADDR");
        yield return (NodeKind.RedisExporter, 1, $"{prefix}_REDIS_EXPORTER_ADDR");
        yield return (NodeKind.PostgresExporter, 1, $"{prefix}_POSTGRES_EXPORTER_ADDR");
        yield return (NodeKind.NginxExporter, 1, $"{prefix}_NGINX_EXPORTER_ADDR");
    }

    private static string MoveLoopbackValue(string key, string value, int secondOctetOffset)
    {
        // Only the nodes' addresses and the regions' networks move (as deploy/compose/compose-env.sh moves them into the
        // containers' space); EDGE_LIMIT_EXEMPT names where clients come from, which a moved stack does not change.
        var match = LoopbackPrefix().Match(value);
        if (!match.Success || !(key.EndsWith("_ADDR", StringComparison.Ordinal) || key.EndsWith("_NETWORK", StringComparison.Ordinal)))
        {
            return value;
        }

        var moved = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + secondOctetOffset;
        return moved is >= 0 and <= 255
            ? $"127.{moved.ToString(CultureInfo.InvariantCulture)}." + value[match.Length..]
            : throw new TopologyException($"{key}={value} cannot move by {secondOctetOffset.ToString(CultureInfo.InvariantCulture)}: the second octet would be {moved.ToString(CultureInfo.InvariantCulture)}");
    }

    [GeneratedRegex(@"^127\.([0-9]{1,3})\.")]
    private static partial Regex LoopbackPrefix();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    /// <summary>Reads typed values, remembering which keys exist and collecting every error.</summary>
    private sealed class ValueReader(IReadOnlyDictionary<string, string> values)
    {
        private static readonly IPNetwork Loopback = IPNetwork.Parse("127.0.0.0/8");

        public List<string> Errors { get; } = [];

        public HashSet<string> KnownKeys { get; } = new(StringComparer.Ordinal);

        public void Error(string message) => Errors.Add(message);

        public string? Required(string key)
        {
            KnownKeys.Add(key);
            if (values.TryGetValue(key, out var value) && value.Length > 0)
            {
                return value;
            }

            Error($"{key} is missing");
            return null;
        }

        public string? Name(string key)
        {
            var value = Required(key);
            if (value is not null && !NamePattern().IsMatch(value))
            {
                Error($"{key} '{value}' may contain only letters, digits, '-' and '_'");
            }

            return value;
        }

        public string? DataRegion(string key)
        {
            var value = Required(key)?.ToLowerInvariant();
            if (value is not null && !DataRegions.Contains(value))
            {
                Error($"{key} must be one of {string.Join(", ", DataRegions)}, not '{value}'");
            }

            return value;
        }

        public int Port(string key)
        {
            var value = Required(key);
            if (value is null)
            {
                return 0;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                Error($"{key} '{value}' is not a port number (1-65535)");
                return 0;
            }

            return port;
        }

        public int Count(string key, int minimum, int maximum = int.MaxValue)
        {
            var value = Required(key);
            if (value is null)
            {
                return 0;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < minimum)
            {
                Error($"{key} '{value}' is not a whole number of at least {minimum.ToString(CultureInfo.InvariantCulture)}");
                return 0;
            }

            if (count > maximum)
            {
                Error($"{key} '{value}' is more than {maximum.ToString(CultureInfo.InvariantCulture)}");
                return 0;
            }

            return count;
        }

        /// <summary>A network in CIDR form, anywhere (not only on loopback): where some clients come from.</summary>
        public IPNetwork? AnyNetwork(string key)
        {
            var value = Required(key);
            if (value is null)
            {
                return null;
            }

            if (!value.Contains('/', StringComparison.Ordinal) || !IPNetwork.TryParse(value, out var network))
            {
                Error($"{key} '{value}' is not a network in CIDR form (e.g. 127.0.0.1/32)");
                return null;
            }

            return network;
        }

        public IPNetwork? Network(string key)
        {
            var value = Required(key);
            if (value is null)
            {
                return null;
            }

            if (!IPNetwork.TryParse(value, out var network) || network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            {
                Error($"{key} '{value}' is not an IPv4 network in CIDR form (e.g. 127.1.0.0/16)");
                return null;
            }

            if (!Loopback.Contains(network.BaseAddress) || network.PrefixLength < 8)
            {
                Error($"{key} {value} is not inside loopback 127.0.0.0/8 (the stack never leaves this machine)");
                return null;
            }

            return network;
        }

        public IPAddress? Address(string key, Region region)
        {
            var value = Required(key);
            if (value is null)
            {
                return null;
            }

            if (!IPAddress.TryParse(value, out var address) || address.AddressFamily != AddressFamily.InterNetwork || value.Count(c => c == '.') != 3)
            {
                Error($"{key} '{value}' is not an IPv4 address");
                return null;
            }

            if (!region.Network.Contains(address))
            {
                Error($"{key} {value} is outside {region} ({region.Name.ToUpperInvariant()}_NETWORK)");
                return null;
            }

            return address;
        }
    }
}
