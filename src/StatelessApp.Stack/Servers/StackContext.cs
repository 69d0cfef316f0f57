using System.Net.Security;
using StatelessApp.Stack.Distance;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>Everything a server definition needs to build a command line, render a config or probe a node.</summary>
public sealed class StackContext(StackTopology topology, StackPaths paths, StackSecrets secrets, HostTools tools, ProxyKind proxyKind) : IDisposable
{
    public StackTopology Topology { get; } = topology;

    public StackPaths Paths { get; } = paths;

    /// <summary>The stack's passwords; `./stack rotate secrets` replaces them on the running stack.</summary>
    public StackSecrets Secrets { get; set; } = secrets;

    public HostTools Tools { get; } = tools;

    /// <summary>
    /// TLS on every link between nodes (the default). Off only for a stack that measures what TLS costs (bench/run runs a
    /// plaintext twin next to the TLS stack); every server's config and every client setting follows it.
    /// </summary>
    public bool Tls { get; init; } = true;

    /// <summary>The scheme of every HTTP link of the stack (clients → proxies, proxies → apps): https unless <see cref="Tls"/> is off.</summary>
    public string HttpScheme => Tls ? "https" : "http";

    /// <summary>The stack's CA and every node's certificate, made on first use and kept across restarts.</summary>
    public StackCertificates Certificates => _certificates ??= StackCertificates.LoadOrCreate(Paths, Topology);

    private StackCertificates? _certificates;

    /// <summary>The proxy this run uses (the topology's default, or `up --proxy`).</summary>
    public ProxyKind ProxyKind { get; } = proxyKind;

    /// <summary>Prometheus and the exporters run (the last `up`'s choice; `up --no-observability` turns it off).</summary>
    public bool Observability { get; set; } = true;

    /// <summary>The sites' cgroups every node's processes run in (null when the controller is not root: no distance, no partition drill).</summary>
    public SiteCgroups? Cgroups { get; init; }

    /// <summary>The failure detectors' timings for the topology's distances (deploy/lib/failure-timeouts.sh), derived on first use.</summary>
    public FailureTimeouts FailureTimeouts => _failureTimeouts ??= FailureTimeouts.Derive(Paths.Deploy, Topology.Distances);

    private FailureTimeouts? _failureTimeouts;

    /// <summary><paramref name="spec"/> placed in <paramref name="node"/>'s site cgroup, where there are cgroups.</summary>
    public LaunchSpec InSite(Node node, LaunchSpec spec) =>
        Cgroups is null ? spec : spec with { Cgroup = Cgroups.FolderOf(node.Region) };

    /// <summary>Whether this run starts, probes and waits for <paramref name="node"/> (<see cref="NodeSelection"/>).</summary>
    public bool Runs(Node node) => NodeSelection.Runs(node, ProxyKind, Observability);

    /// <summary>
    /// Extra configuration for the app instances started from now on (key in configuration form, e.g.
    /// "Sessions:IdleTimeout"; passed as environment variables, ':' becoming "__").
    /// </summary>
    public IDictionary<string, string> AppSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The assembly the app instances started from now on run: the current release's (<see cref="Release"/>) unless set. The benchmark points it at its own host, which the shipped app cannot become through a setting.
    /// </summary>
    public string? AppAssembly { get; set; }

    /// <summary>The release app instances start from (the state's current one, <see cref="StackState.CurrentRelease"/>); null before the first `up` publishes one.</summary>
    public Operations.AppRelease? Release { get; set; }

    /// <summary>The certificate of the app's key ring, created under <see cref="StackPaths.Tls"/> on first use.</summary>
    public KeyRingCertificate KeyRingCertificate => _keyRingCertificate ??= KeyRingCertificate.LoadOrCreate(Paths.Tls);

    private KeyRingCertificate? _keyRingCertificate;

    /// <summary>
    /// The stack's own client for the apps and proxies (HTTPS with TLS on, trusting the stack's CA alone). Short timeouts:
    /// a probe must answer "not yet" quickly, the caller polls.
    /// </summary>
    public HttpClient Http => LazyInitializer.EnsureInitialized(ref _http, ref _httpGate, () => NewClient(ProbeTimeout, clientCertificate: null));

    /// <summary>
    /// The client for etcd and Patroni's REST API, which ask for a client certificate: <see cref="Http"/>'s trust, and it
    /// presents the controller's certificate, <see cref="ControllerCertificate"/>.
    /// </summary>
    public HttpClient ServerHttp => LazyInitializer.EnsureInitialized(ref _serverHttp, ref _httpGate, () => NewServerHttpClient(ProbeTimeout));

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private HttpClient? _http;
    private HttpClient? _serverHttp;
    private object? _httpGate;

    /// <summary>
    /// The client certificate of the controller's own tools (etcdctl, probes, patronictl). Without a Common Name: etcd's
    /// HTTP gateway refuses one (StackCertificates.ClientWithoutCommonName); the tools log in as an etcd user instead.
    /// </summary>
    public NodeCertificate ControllerCertificate => Certificates.ClientWithoutCommonName("stack");

    /// <summary>
    /// A client of its own for etcd and Patroni's REST API, for a caller that needs other timeouts or headers than
    /// <see cref="ServerHttp"/>'s.
    /// </summary>
    public HttpClient NewServerHttpClient(TimeSpan timeout) => NewClient(timeout, ControllerCertificate);

    private HttpClient NewClient(TimeSpan timeout, NodeCertificate? clientCertificate)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), UseProxy = false };
        if (Tls)
        {
            handler.SslOptions = CaTrust.ClientOptions(Certificates.CaCertificateFile, clientCertificate);
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>Disposes the clients that were made (never makes one: `down` may run before any certificate exists).</summary>
    public void Dispose()
    {
        _http?.Dispose();
        _serverHttp?.Dispose();
    }

    /// <summary>
    /// Sentinel form of the app's ConnectionStrings:Redis: all three Sentinels, the service name, the ACL user <c>app</c>
    /// and its password (the same on Redis and on the Sentinels), and TLS when the stack runs with it.
    /// </summary>
    public string RedisConnectionString =>
        string.Join(',', Topology.NodesOf(NodeKind.Sentinel).Select(s => s.Endpoint))
        + $",serviceName={Topology.RedisMasterName},user={RedisUsers.App},password={Secrets.RedisAppPassword}"
        + (Tls ? ",ssl=true" : "") + ",abortConnect=false";

    /// <summary>
    /// Adds what every process of the app needs to reach its state, the instances and `migrate` alike:
    /// ConnectionStrings:Shop, the file its role's password is read from (Database:PasswordFile, which wins over the
    /// string's password: `rotate secrets` rewrites it) and the region of each of its nodes (Database:NodeRegions), ConnectionStrings:Redis and the
    /// region of each Redis node (Redis:NodeRegions),
    /// with TLS, the CA the app checks the Redis and Sentinel certificates against (Redis:CaCertificatePath), and the key
    /// ring's certificate.
    /// </summary>
    public void AddStateSettings(IDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["ConnectionStrings__Shop"] = ShopConnectionString;
        environment["Database__PasswordFile"] = Paths.ShopDbPasswordFile; // written by WriteShopDbPasswordFile
        environment["Database__NodeRegions"] = ShopNodeRegions;
        environment["ConnectionStrings__Redis"] = RedisConnectionString;
        environment["Redis__NodeRegions"] = RedisNodeRegions;
        if (Tls)
        {
            environment["Redis__CaCertificatePath"] = Certificates.CaCertificateFile;
        }

        AppServer.AddSettings(environment, KeyRingCertificate.AppSettings);
    }

    /// <summary>
    /// Writes role shop's current password to the file the app reads it from at every new connection
    /// (Database:PasswordFile; mode 600, replaced whole): before an instance or `migrate` starts, and by `rotate secrets`.
    /// </summary>
    public void WriteShopDbPasswordFile() => FileModes.WritePrivate(Paths.ShopDbPasswordFile, Secrets.ShopDbPassword);

    /// <summary>Npgsql multi-host ConnectionStrings:Shop (both PostgreSQL nodes; the app picks primary or standby): role shop, rows only.</summary>
    public string ShopConnectionString => PostgresConnectionString(Topology.NodesOf(NodeKind.Postgres), "shop", Secrets.ShopDbPassword);

    /// <summary>
    /// Database:NodeRegions, the region of every node of <see cref="ShopConnectionString"/> as the topology places it
    /// ("127.1.0.41:5432=a,…"): with it an instance reads in its own region (docs/latency.md).
    /// </summary>
    public string ShopNodeRegions => string.Join(',', Topology.NodesOf(NodeKind.Postgres).Select(n => $"{n.Endpoint}={n.Region}"));

    /// <summary>
    /// Redis:NodeRegions, the region of every Redis data node as the topology places it ("127.1.0.21:6379=a,…"): with it
    /// an instance reads shopper stamps and sessions from its own region's node where that is safe (docs/latency.md).
    /// </summary>
    public string RedisNodeRegions => string.Join(',', Topology.NodesOf(NodeKind.Redis).Select(n => $"{n.Endpoint}={n.Region}"));

    /// <summary>ConnectionStrings:ShopOwner, for `migrate` only: role shop_owner, which owns the schema.</summary>
    public string ShopOwnerConnectionString => PostgresConnectionString(Topology.NodesOf(NodeKind.Postgres), "shop_owner", Secrets.ShopOwnerDbPassword);

    /// <summary>
    /// A connection string to <paramref name="nodes"/> over the network as <paramref name="role"/>: with TLS on,
    /// encrypted and the server verified against the stack's CA and its address (SSL Mode=VerifyFull).
    /// </summary>
    public string PostgresConnectionString(IEnumerable<Node> nodes, string role, string password, string database = "shop")
    {
        var connection = "Host=" + string.Join(',', nodes.Select(n => n.Endpoint)) + $";Database={database};Username={role};Password={password}";
        return Tls ? connection + $";SSL Mode=VerifyFull;Root Certificate={Certificates.CaCertificateFile}" : connection;
    }
}
