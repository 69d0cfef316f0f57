using System.Globalization;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Startup;

/// <summary>
/// The order in which `up` starts the topology, each step with what it waits for: etcd, the first PostgreSQL node, its
/// standbys, the app build, Redis, Sentinels, migrations (schema and the key ring's first key), apps, proxies, DNS, and
/// last the exporters and Prometheus (unless observability is off; the dashboard, also left out then, comes before the apps). Built from the topology's nodes, so the
/// progress labels count what the topology has; every step comes after the steps it needs.
/// </summary>
public static class StartPlan
{
    /// <summary>
    /// The steps for <paramref name="topology"/>. <paramref name="firstPostgres"/> starts alone and must become primary
    /// before the other PostgreSQL nodes start (the one that was primary at `down`, or the initial leader);
    /// <paramref name="appFolder"/> only names where the build goes in its label; <paramref name="observability"/> off
    /// leaves out Prometheus and the exporters.
    /// </summary>
    public static IReadOnlyList<StartStep> For(StackTopology topology, Node firstPostgres, ProxyKind proxyKind, string appFolder, bool observability = true)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(firstPostgres);
        var etcd = topology.NodesOf(NodeKind.Etcd);
        var postgres = topology.NodesOf(NodeKind.Postgres);
        var standbys = postgres.Where(n => n != firstPostgres).ToList();
        var redis = topology.NodesOf(NodeKind.Redis);
        var sentinels = topology.NodesOf(NodeKind.Sentinel);
        var apps = topology.NodesOf(NodeKind.App);
        var proxies = topology.NodesOf(NodeKind.Proxy);
        var dns = topology.NodesOf(NodeKind.Dns);
        var observers = topology.Nodes.Where(n => n.Kind.IsObservability() && n.Kind != NodeKind.Dashboard && NodeSelection.Runs(n, proxyKind, observability)).ToList();
        var dashboard = topology.NodesOf(NodeKind.Dashboard).Where(n => NodeSelection.Runs(n, proxyKind, observability)).ToList();
        List<StartStep> steps =
        [
            new("etcd", $"etcd: {etcd.Count} members healthy, authentication on, the witness leading", Readiness.EtcdAuthenticatedAndLedByTheWitness)
            {
                Starts = etcd,
            },
            new("postgres-primary", $"PostgreSQL: {firstPostgres.Name} primary (Patroni)", Readiness.APrimary)
            {
                Starts = [firstPostgres],
                After = ["etcd"],
            },
            new("postgres-standbys", $"PostgreSQL: {Count(standbys.Count, "standby", "standbys")} streaming", Readiness.OnePrimaryWithEveryReplicaLinked)
            {
                Starts = standbys,
                Watches = postgres,
                After = ["postgres-primary"],
            },
            new("backups", $"backups: pgBackRest stanza {Backups.PgBackRest.Stanza}, WAL archived, a base backup in the repository", Readiness.BackupRepositoryReady)
            {
                After = ["postgres-standbys"],
            },
            new("app-build", $"app: published to {appFolder}", Readiness.AppPublished),
            new("redis", $"Redis: primary + {Count(redis.Count - 1, "linked replica", "linked replicas")}", Readiness.OnePrimaryWithEveryReplicaLinked)
            {
                Starts = redis,
            },
            new("sentinels", $"Sentinel: {sentinels.Count} sentinels agree on the primary, know each other and every replica", Readiness.SentinelsKnowEachOtherAndEveryReplica)
            {
                Starts = sentinels,
                After = ["redis"],
            },
            new("migrations", "migrate: database migrations applied on the primary, key ring's first key", Readiness.MigrationsApplied)
            {
                After = ["app-build", "postgres-standbys", "sentinels"],
            },
            new("apps", $"apps: {Count(apps.Count, "instance", "instances")} ready", Readiness.Healthy)
            {
                Starts = apps,
                After = ["migrations", "sentinels"],
            },
            new("proxies", $"proxies ({proxyKind.ToString().ToLowerInvariant()}): {Every(proxies.Count)} route to a ready app", Readiness.ProxiesRouteToAReadyApp)
            {
                Starts = proxies,
                After = ["apps"],
            },
            new("dns", $"DNS: {topology.Domain} answers {Every(proxies.Count)} proxies", Readiness.DnsAnswersEveryProxy)
            {
                Starts = dns,
                After = ["proxies"],
            },
        ];
        if (dashboard.Count > 0)
        {
            // Before the apps, so their first spans have somewhere to go; it needs nothing else.
            steps.Insert(steps.FindIndex(s => s.Name == "apps"), new("dashboard", $"dashboard: {string.Join(", ", dashboard.Select(DashboardServer.Url))} (OTLP/HTTP on {string.Join(", ", dashboard.Select(DashboardServer.OtlpEndpoint))})", Readiness.Healthy)
            {
                Starts = dashboard,
            });
        }

        if (observers.Count > 0)
        {
            // Last: nothing waits for them, and the nginx exporter needs its proxy.
            var prometheus = observers.Where(n => n.Kind == NodeKind.Prometheus).Select(n => n.Endpoint);
            steps.Add(new("observability", $"metrics: {Count(observers.Count - 1, "exporter", "exporters")}, Prometheus at {string.Join(", ", prometheus)}", Readiness.Healthy)
            {
                Starts = observers,
                After = ["proxies"],
            });
        }

        return steps;
    }

    private static string Count(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    private static string Every(int count) => count == 2 ? "both" : "all " + count.ToString(CultureInfo.InvariantCulture);
}
