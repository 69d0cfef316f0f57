using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Patroni-managed PostgreSQL node. Patroni elects the primary through etcd; the other node streams as a hot
/// standby. Everything per node comes as PATRONI_* variables over deploy/patroni/patroni.yml.
/// </summary>
public sealed class PatroniServer : Server
{
    public const string PostgresUser = "postgres";

    public override NodeKind Kind => NodeKind.Postgres;

    /// <summary>Patroni stops PostgreSQL with a fast shutdown and hands the leader key over: give it time.</summary>
    public override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    public static string DataDirectory(Node node, StackContext context) => Path.Combine(Home(node, context), "data");

    /// <summary>The node's folder: data, pgpass, socket and its copy of the Patroni configuration.</summary>
    public static string Home(Node node, StackContext context) => context.Paths.ServiceAccountDataOf(node.Name);

    private static string ConfigFolder(Node node, StackContext context) => Path.Combine(Home(node, context), "config");

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

        // initdb and PostgreSQL insist on a private data folder owned by the user that runs them.
        FileModes.Set(home, FileModes.OwnerOnlyFolder);
        if (HostTools.IsRoot)
        {
            ChangeOwner(home);
        }
    }

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var home = Home(node, context);
        var rest = node.Ports[1].Number.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATRONI_NAME"] = node.Name,
            ["PATRONI_SCOPE"] = context.Topology.PatroniScope,
            ["PATRONI_ETCD3_HOSTS"] = string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => n.Endpoint)),
            ["PATRONI_ETCD3_USERNAME"] = "root",
            ["PATRONI_ETCD3_PASSWORD"] = context.Secrets.EtcdRootPassword,
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
            ["PATRONI_LOG_LEVEL"] = "INFO",
            // Read by post-bootstrap.sh (Patroni removes PATRONI_* variables from its scripts' environment).
            ["SHOP_DB_PASSWORD"] = context.Secrets.ShopDbPassword,
            ["HOME"] = home,
        };
        var configFolder = ConfigFolder(node, context);
        return new LaunchSpec("patroni", [Path.Combine(configFolder, "patroni.yml")])
        {
            Environment = environment,
            // post_bootstrap in patroni.yml is relative to the working folder.
            WorkingDirectory = configFolder,
            RunAsUser = PostgresUser,
            Umask = "077",
        };
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.Http.GetAsync(new Uri($"http://{node.Address}:{node.Ports[1].Number}/patroni"), cancellationToken);
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

    private static void ChangeOwner(string path)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [$"{PostgresUser}:{PostgresUser}", path]);
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {PostgresUser} {path} failed");
        }
    }
}
