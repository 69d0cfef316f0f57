using StatelessApp.Stack.Security;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>Everything a server definition needs to build a command line, render a config or probe a node.</summary>
public sealed class StackContext(StackTopology topology, StackPaths paths, StackSecrets secrets, HostTools tools, ProxyKind proxyKind)
{
    public StackTopology Topology { get; } = topology;

    public StackPaths Paths { get; } = paths;

    public StackSecrets Secrets { get; } = secrets;

    public HostTools Tools { get; } = tools;

    /// <summary>
    /// TLS on every link between nodes (the default). Off only for a stack that measures what TLS costs (bench/run runs a
    /// plaintext twin next to the TLS stack); every server's config and every client setting follows it.
    /// </summary>
    public bool Tls { get; init; } = true;

    /// <summary>The stack's CA and every node's certificate, made on first use and kept across restarts.</summary>
    public StackCertificates Certificates => _certificates ??= StackCertificates.LoadOrCreate(Paths, Topology);

    private StackCertificates? _certificates;

    /// <summary>The proxy this run uses (the topology's default, or `up --proxy`).</summary>
    public ProxyKind ProxyKind { get; } = proxyKind;

    /// <summary>
    /// Extra configuration for the app instances started from now on (key in configuration form, e.g.
    /// "Sessions:IdleTimeout"; passed as environment variables, ':' becoming "__").
    /// </summary>
    public IDictionary<string, string> AppSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The assembly the app instances started from now on run: the published app (<see cref="StackPaths.AppAssembly"/>)
    /// unless set. The benchmark points it at its own host, which the shipped app cannot become through a setting.
    /// </summary>
    public string? AppAssembly { get; set; }

    /// <summary>Short timeouts: a probe must answer "not yet" quickly, the caller polls.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>Sentinel form of the app's ConnectionStrings:Redis (all three Sentinels, the service name, the password).</summary>
    public string RedisConnectionString =>
        string.Join(',', Topology.NodesOf(NodeKind.Sentinel).Select(s => s.Endpoint))
        + $",serviceName={Topology.RedisMasterName},password={Secrets.RedisPassword},abortConnect=false";

    /// <summary>Npgsql multi-host ConnectionStrings:Shop (both PostgreSQL nodes; the app picks primary or standby).</summary>
    public string ShopConnectionString =>
        "Host=" + string.Join(',', Topology.NodesOf(NodeKind.Postgres).Select(n => n.Endpoint))
        + $";Database=shop;Username=shop;Password={Secrets.ShopDbPassword}";
}
