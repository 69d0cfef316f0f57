using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StatelessApp.Stack.Backups;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Patroni-managed PostgreSQL node. Patroni elects the primary through etcd; the other node streams as a hot
/// standby. Everything per node comes as PATRONI_* variables over deploy/patroni/patroni.yml.
/// </summary>
public sealed partial class PatroniServer : Server
{
    public const string PostgresUser = ServiceAccount.Postgres;

    /// <summary>Written next to the copy of deploy/patroni/patroni.yml; Patroni reads it after (name order).</summary>
    public const string NodeConfigFile = "stack-node.yml";

    public override NodeKind Kind => NodeKind.Postgres;

    /// <summary>Patroni stops PostgreSQL with a fast shutdown and hands the leader key over: give it time.</summary>
    public override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    public static string DataDirectory(Node node, StackContext context) => Path.Combine(Home(node, context), "data");

    /// <summary>The node's folder: data, pgpass, socket and its copy of the Patroni configuration.</summary>
    public static string Home(Node node, StackContext context) => context.Paths.ServiceAccountDataOf(node.Name);

    private static string ConfigFolder(Node node, StackContext context) => Path.Combine(Home(node, context), "config");

    /// <summary>The node's Unix socket folder: the only way in for the superuser.</summary>
    public static string SocketDirectory(Node node, StackContext context) => Path.Combine(Home(node, context), "socket");

    /// <summary>
    /// The node's TLS files, owned by postgres (PostgreSQL refuses a key others can read): ca.crt, node.crt, node.key,
    /// the names a container finds in /run/secrets/tls. patroni.yml points PostgreSQL at ../tls from the data folder.
    /// </summary>
    public static string TlsFolder(Node node, StackContext context) => Path.Combine(Home(node, context), "tls");

    /// <summary>The superuser on <paramref name="node"/>, through its Unix socket (pg_hba refuses it from the network).</summary>
    public static string SuperuserConnectionString(Node node, StackContext context, string database = "shop")
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        return $"Host={SocketDirectory(node, context)};Port={node.Port.ToString(CultureInfo.InvariantCulture)};Database={database};"
            + $"Username={PostgresUser};Password={context.Secrets.PostgresSuperuserPassword}";
    }

    /// <summary>A URL of the node's REST API (https with TLS on).</summary>
    public static Uri RestUri(Node node, StackContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        return new Uri($"{context.HttpScheme}://{node.Address}:{node.Ports[1].Number.ToString(CultureInfo.InvariantCulture)}/{path}");
    }

    public override void Prepare(Node node, StackContext context)
    {
        var home = context.Paths.CreateServiceAccountFolder(node.Name);

        // Patroni reads its configuration (and runs post-bootstrap.sh) as postgres, which may not be able to read the
        // repository (a clone under /root): give the node its own copy of deploy/patroni/, refreshed at every start so
        // that the file in deploy/ stays the one source.
        var config = ConfigFolder(node, context);
        Directory.CreateDirectory(config);
        foreach (var file in Directory.GetFiles(Path.Combine(context.Paths.Deploy, "patroni")))
        {
            File.Copy(file, Path.Combine(config, Path.GetFileName(file)), overwrite: true);
        }

        File.WriteAllText(Path.Combine(config, NodeConfigFile), NodeConfiguration(node, context, File.ReadAllText(Path.Combine(config, "patroni.yml"))));

        var tls = TlsFolder(node, context);
        if (context.Tls)
        {
            Directory.CreateDirectory(tls);
            var certificate = context.Certificates.For(node);
            File.Copy(context.Certificates.CaCertificateFile, Path.Combine(tls, "ca.crt"), overwrite: true);
            File.Copy(certificate.CertificateFile, Path.Combine(tls, "node.crt"), overwrite: true);
            FileModes.WritePrivate(Path.Combine(tls, "node.key"), File.ReadAllText(certificate.KeyFile));
            // Patroni reaches etcd through its HTTP gateway, which refuses a client certificate with a Common Name.
            var etcdClient = context.Certificates.ClientWithoutCommonName(node.Name);
            File.Copy(etcdClient.CertificateFile, Path.Combine(tls, "etcd-client.crt"), overwrite: true);
            FileModes.WritePrivate(Path.Combine(tls, "etcd-client.key"), File.ReadAllText(etcdClient.KeyFile));
            FileModes.Set(tls, FileModes.OwnerOnlyFolder);
        }

        // initdb and PostgreSQL insist on a private data folder owned by the user that runs them.
        FileModes.Set(home, FileModes.OwnerOnlyFolder);
        ServiceAccount.Own(home);
        if (context.Tls)
        {
            ServiceAccount.Own(tls, recursive: true);
        }

        // WAL archive, base backups and the pgbackrest replica method (patroni.yml) read this node's file.
        PgBackRest.WriteNodeConfig(node, context);
    }

    /// <summary>
    /// What differs from deploy/patroni/patroni.yml for this node: its own socket folder (two nodes share a machine),
    /// and for a plaintext stack (the bench's twin) ssl off and each hostssl line of <paramref name="sharedConfig"/> as host.
    /// </summary>
    internal static string NodeConfiguration(Node node, StackContext context, string sharedConfig)
    {
        var lines = new List<string>
        {
            $"# Written by ./stack up for {node.Name} (src/StatelessApp.Stack/Servers/PatroniServer.cs); read after patroni.yml.",
            "postgresql:",
            "  parameters:",
            $"    unix_socket_directories: {SocketDirectory(node, context)}",
        };
        if (!context.Tls)
        {
            lines.Add("    ssl: \"off\"");
            lines.Add("  pg_hba:");
            lines.AddRange(PgHbaLine().Matches(sharedConfig).Select(m => $"    - {m.Groups["kind"].Value.Replace("hostssl", "host", StringComparison.Ordinal)}{m.Groups["rest"].Value}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [GeneratedRegex(@"^\s+- (?<kind>local|hostssl)(?<rest> .+)$", RegexOptions.Multiline)]
    private static partial Regex PgHbaLine();

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var home = Home(node, context);
        var rest = node.Ports[1].Number.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATRONI_NAME"] = node.Name,
            ["PATRONI_SCOPE"] = context.Topology.PatroniScope,
            ["PATRONI_ETCD3_HOSTS"] = string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => n.Endpoint)),
            // Patroni's own etcd user: its role reads and writes /service/<scope>/ and nothing else (EtcdAuthentication).
            ["PATRONI_ETCD3_USERNAME"] = EtcdAuthentication.PatroniUser,
            ["PATRONI_ETCD3_PASSWORD"] = context.Secrets.EtcdPatroniPassword,
            ["PATRONI_RESTAPI_LISTEN"] = $"{node.Address}:{rest}",
            ["PATRONI_RESTAPI_CONNECT_ADDRESS"] = $"{node.Address}:{rest}",
            ["PATRONI_RESTAPI_USERNAME"] = "patroni",
            ["PATRONI_RESTAPI_PASSWORD"] = context.Secrets.PatroniRestPassword,
            ["PATRONI_POSTGRESQL_LISTEN"] = node.Endpoint,
            ["PATRONI_POSTGRESQL_CONNECT_ADDRESS"] = node.Endpoint,
            ["PATRONI_POSTGRESQL_DATA_DIR"] = DataDirectory(node, context),
            ["PATRONI_POSTGRESQL_BIN_DIR"] = context.Tools.PostgresBinDirectory,
            ["PATRONI_POSTGRESQL_PGPASS"] = Path.Combine(home, "pgpass"),
            ["PATRONI_SUPERUSER_USERNAME"] = "postgres",
            ["PATRONI_SUPERUSER_PASSWORD"] = context.Secrets.PostgresSuperuserPassword,
            ["PATRONI_REPLICATION_USERNAME"] = "replicator",
            ["PATRONI_REPLICATION_PASSWORD"] = context.Secrets.PostgresReplicationPassword,
            // pg_rewind and Patroni's checks of the leader log in as rewind (Patroni creates it with only the functions
            // pg_rewind needs), not as the superuser.
            ["PATRONI_REWIND_USERNAME"] = "rewind",
            ["PATRONI_REWIND_PASSWORD"] = context.Secrets.PostgresRewindPassword,
            ["PATRONI_LOG_LEVEL"] = "INFO",
            // Read by post-bootstrap.sh (Patroni removes PATRONI_* variables from its scripts' environment).
            ["SHOP_DB_PASSWORD"] = context.Secrets.ShopDbPassword,
            ["SHOP_OWNER_DB_PASSWORD"] = context.Secrets.ShopOwnerDbPassword,
            ["POSTGRES_MONITOR_PASSWORD"] = context.Secrets.PostgresMonitorPassword,
            ["HOME"] = home,
            // pgBackRest's file for this node: PostgreSQL's archive/restore commands and Patroni's replica method inherit it.
            [PgBackRest.ConfigVariable] = PgBackRest.ConfigFile(node, context),
        };
        if (context.Tls)
        {
            AddTls(environment, TlsFolder(node, context));
        }

        var configFolder = ConfigFolder(node, context);
        // The folder: Patroni reads patroni.yml, then stack-node.yml.
        return new LaunchSpec("patroni", [configFolder])
        {
            Environment = environment,
            // post_bootstrap in patroni.yml is relative to the working folder.
            WorkingDirectory = configFolder,
            RunAsUser = PostgresUser,
            Umask = "077",
        };
    }

    /// <summary>
    /// TLS on every link Patroni opens or serves, the files read from <paramref name="tls"/> (ca.crt, node.crt,
    /// node.key, etcd-client.crt/.key): etcd (client certificate without a Common Name), its REST API (clients must present a certificate of the stack's CA: the
    /// other member, patronictl, the controller), the standby's stream and pg_rewind (server verified by CA and address).
    /// </summary>
    private static void AddTls(Dictionary<string, string> environment, string tls)
    {
        var ca = Path.Combine(tls, "ca.crt");
        var certificate = Path.Combine(tls, "node.crt");
        var key = Path.Combine(tls, "node.key");
        environment["PATRONI_ETCD3_PROTOCOL"] = "https";
        environment["PATRONI_ETCD3_CACERT"] = ca;
        environment["PATRONI_ETCD3_CERT"] = Path.Combine(tls, "etcd-client.crt");
        environment["PATRONI_ETCD3_KEY"] = Path.Combine(tls, "etcd-client.key");
        environment["PATRONI_RESTAPI_CERTFILE"] = certificate;
        environment["PATRONI_RESTAPI_KEYFILE"] = key;
        environment["PATRONI_RESTAPI_CAFILE"] = ca;
        environment["PATRONI_RESTAPI_VERIFY_CLIENT"] = "required";
        environment["PATRONI_CTL_CACERT"] = ca;
        environment["PATRONI_CTL_CERTFILE"] = certificate;
        environment["PATRONI_CTL_KEYFILE"] = key;
        foreach (var role in new[] { "REPLICATION", "REWIND" })
        {
            environment[$"PATRONI_{role}_SSLMODE"] = "verify-full";
            environment[$"PATRONI_{role}_SSLROOTCERT"] = ca;
        }
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.ServerHttp.GetAsync(RestUri(node, context, "patroni"), cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = json.RootElement;
            var state = root.TryGetProperty("state", out var s) ? s.GetString() ?? "" : "";
            var role = root.TryGetProperty("role", out var r) ? r.GetString() ?? "" : "";
            var timeline = root.TryGetProperty("timeline", out var t) ? t.GetInt32().ToString(CultureInfo.InvariantCulture) : "?";
            if (state != "running")
            {
                return new NodeProbe(false, ServerRole.None, $"postgres {state}");
            }

            if (role is "master" or "primary")
            {
                var streaming = root.TryGetProperty("replication", out var replication)
                    ? replication.EnumerateArray().Count(x => x.TryGetProperty("state", out var rs) && rs.GetString() == "streaming")
                    : 0;
                return new NodeProbe(true, ServerRole.Primary, $"timeline {timeline}, {streaming} standby streaming") { LinkedReplicas = streaming };
            }

            var replicationState = root.TryGetProperty("replication_state", out var rst) ? rst.GetString() ?? "" : "";
            return new NodeProbe(true, ServerRole.Standby, $"timeline {timeline}{(replicationState.Length > 0 ? ", " + replicationState : "")}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or FormatException)
        {
            return NodeProbe.Down(e.Message);
        }
    }

    /// <summary>The postmaster: Patroni starts it in a session of its own, so a signal to Patroni's group misses it.</summary>
    public override IReadOnlyCollection<int> Companions(Node node, StackContext context)
    {
        var pidFile = Path.Combine(DataDirectory(node, context), "postmaster.pid");
        try
        {
            var first = File.Exists(pidFile) ? File.ReadLines(pidFile).FirstOrDefault() : null;
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcessInfo.Read(pid) is { IsAlive: true }
                ? [pid]
                : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
