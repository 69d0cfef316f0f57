using StatelessApp.Stack;
using StatelessApp.Stack.Startup;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

/// <summary>The steps of `up`, derived from the topology: their order, what each starts and waits for, and their labels.</summary>
public class StartPlanTests
{
    private static readonly string RepositoryTopology = new StackPaths(StackPaths.FindRepositoryRoot()).TopologyFile;

    private static StackTopology Topology(Action<Dictionary<string, string>>? change = null)
    {
        var values = new Dictionary<string, string>(TopologyFile.Read(RepositoryTopology), StringComparer.Ordinal);
        change?.Invoke(values);
        return StackTopology.FromValues(values);
    }

    private static IReadOnlyList<StartStep> PlanFor(StackTopology topology, string firstPostgres = "pg-a", ProxyKind proxy = ProxyKind.Haproxy) =>
        StartPlan.For(topology, topology.Node(firstPostgres), proxy, ".stack/app");

    [Fact]
    public void Steps_start_the_consensus_store_then_the_databases_then_the_apps_and_what_fronts_them()
    {
        var plan = PlanFor(Topology());

        Assert.Equal(
            ["etcd", "postgres-primary", "postgres-standbys", "backups", "app-build", "redis", "sentinels", "migrations", "dashboard", "apps", "proxies", "dns", "observability"],
            plan.Select(s => s.Name));
        Assert.Equal(
            [Readiness.EtcdAuthenticatedAndLedByTheWitness, Readiness.APrimary, Readiness.OnePrimaryWithEveryReplicaLinked, Readiness.BackupRepositoryReady, Readiness.AppPublished,
             Readiness.OnePrimaryWithEveryReplicaLinked, Readiness.SentinelsKnowEachOtherAndEveryReplica, Readiness.MigrationsApplied,
             Readiness.Healthy, Readiness.Healthy, Readiness.ProxiesRouteToAReadyApp, Readiness.DnsAnswersEveryProxy, Readiness.Healthy],
            plan.Select(s => s.Readiness));
    }

    [Theory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public void Every_node_the_run_selects_is_started_by_exactly_one_step_in_the_order_of_its_kind(ProxyKind proxy)
    {
        var topology = Topology();
        var plan = PlanFor(topology, proxy: proxy);

        var started = plan.SelectMany(s => s.Starts).ToList();
        Assert.Equal(proxy == ProxyKind.Nginx, started.Any(n => n.Kind == NodeKind.NginxExporter));
        Assert.Equal(topology.Nodes.Where(n => NodeSelection.Runs(n, proxy, observability: true)).OrderBy(n => n.Name, StringComparer.Ordinal), started.OrderBy(n => n.Name, StringComparer.Ordinal));
        // NodeKind's order is the start order: every kind depends only on kinds before it.
        Assert.Equal(started.Select(n => n.Kind).Order(), started.Select(n => n.Kind));
        Assert.All(plan.Where(s => s.Starts.Count == 0), s => Assert.Empty(s.Watches));
    }

    [Fact]
    public void Without_observability_no_exporter_and_no_Prometheus_starts()
    {
        var topology = Topology();
        var plan = StartPlan.For(topology, topology.Node("pg-a"), ProxyKind.Nginx, ".stack/app", observability: false);

        Assert.DoesNotContain(plan, s => s.Name == "observability");
        Assert.DoesNotContain(plan, s => s.Name == "dashboard");
        Assert.DoesNotContain(plan.SelectMany(s => s.Starts), n => n.Kind.IsObservability());
    }

    [Fact]
    public void Every_step_comes_after_the_steps_it_needs()
    {
        var plan = PlanFor(Topology());
        var names = plan.Select(s => s.Name).ToList();

        Assert.All(plan, step => Assert.All(step.After, needed => Assert.InRange(names.IndexOf(needed), 0, names.IndexOf(step.Name) - 1)));
        Assert.Equal<string>(["etcd"], plan.Single(s => s.Name == "postgres-primary").After);
        // migrate also creates the key ring's first key: Redis and its Sentinels must be up.
        Assert.Equal<string>(["app-build", "postgres-standbys", "sentinels"], plan.Single(s => s.Name == "migrations").After);
        Assert.Equal<string>(["redis"], plan.Single(s => s.Name == "sentinels").After);
        Assert.Equal<string>(["migrations", "sentinels"], plan.Single(s => s.Name == "apps").After);
        Assert.Equal<string>(["apps"], plan.Single(s => s.Name == "proxies").After);
        Assert.Equal<string>(["proxies"], plan.Single(s => s.Name == "dns").After);
    }

    [Fact]
    public void The_first_PostgreSQL_node_starts_alone_and_the_standbys_are_judged_with_it()
    {
        var topology = Topology();
        var plan = PlanFor(topology, firstPostgres: "pg-b");

        var primary = plan.Single(s => s.Name == "postgres-primary");
        Assert.Equal([topology.Node("pg-b")], primary.Starts);
        Assert.Equal("PostgreSQL: pg-b primary (Patroni)", primary.Label);
        var standbys = plan.Single(s => s.Name == "postgres-standbys");
        Assert.Equal([topology.Node("pg-a")], standbys.Starts);
        Assert.Equal(topology.NodesOf(NodeKind.Postgres), standbys.Watches);
        Assert.Equal("PostgreSQL: 1 standby streaming", standbys.Label);
    }

    [Fact]
    public void Labels_count_the_topology_s_nodes_and_name_its_domain_and_proxy()
    {
        var topology = Topology(v => v["STACK_DOMAIN"] = "shop.example.test");
        var labels = PlanFor(topology, proxy: ProxyKind.Nginx).ToDictionary(s => s.Name, s => s.Label);

        Assert.Equal("etcd: 3 members healthy, authentication on, the witness leading", labels["etcd"]);
        Assert.Equal("app: published to .stack/app", labels["app-build"]);
        Assert.Equal("Redis: primary + 2 linked replicas", labels["redis"]);
        Assert.Equal("Sentinel: 3 sentinels agree on the primary, know each other and every replica", labels["sentinels"]);
        Assert.Equal("apps: 4 instances ready", labels["apps"]);
        Assert.Equal("proxies (nginx): both route to a ready app", labels["proxies"]);
        Assert.Equal("DNS: shop.example.test answers both proxies", labels["dns"]);
    }
}
