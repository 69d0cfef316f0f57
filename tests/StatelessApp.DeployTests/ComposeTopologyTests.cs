using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// The drift tests between the compose files and the one topology definition (deploy/topology.env, loaded by the
/// stack controller's own model): same nodes, kinds, regions, addresses, networks, ports and start order.
/// </summary>
public sealed class ComposeTopologyTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    private static readonly StackTopology Topology = Repository.Topology;

    /// <summary>The nodes the compose stack runs: the topology's, without the local stack's own (the dashboard).</summary>
    private static readonly IReadOnlyList<Node> ComposeNodes = [.. Topology.Nodes.Where(n => !n.Kind.IsLocalStackOnly())];

    public static TheoryData<string, string> SiteFiles => new()
    {
        { "deploy/compose/region-a.yml", "a" },
        { "deploy/compose/region-b.yml", "b" },
        { "deploy/compose/witness.yml", StackTopology.WitnessRegion },
    };

    private static string NetworkOf(string region) => region == StackTopology.WitnessRegion ? "witness" : $"region-{region}";

    private static string Role(Node node) => $"{node.Name} ({node.Kind.ToString().ToLowerInvariant()}, region {node.Region})";

    private static string Role(ComposeService service) => $"{service.Name} ({service.Kind}, region {service.Region})";

    [Theory]
    [InlineData("docker-compose.yml")]
    [InlineData("deploy/compose/services.yml")]
    public void The_file_runs_every_topology_node_once_with_its_kind_and_region(string file) =>
        Assert.Equal(
            ComposeNodes.Select(Role).Order(StringComparer.Ordinal),
            compose[file].Nodes.Select(Role).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(SiteFiles))]
    public void A_site_file_runs_exactly_the_nodes_of_its_site(string file, string region) =>
        Assert.Equal(
            ComposeNodes.Where(n => n.Region == region).Select(Role).Order(StringComparer.Ordinal),
            compose[file].Nodes.Select(Role).Order(StringComparer.Ordinal));

    [Fact]
    public void The_only_services_that_are_not_nodes_are_the_two_one_shot_jobs_of_the_local_stack() =>
        Assert.Equal(["etcd-auth", "migrate"], compose["docker-compose.yml"].Services.Values.Where(s => s.IsJob).Select(s => s.Name).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("docker-compose.yml")]
    [InlineData("deploy/compose/region-a.yml")]
    [InlineData("deploy/compose/region-b.yml")]
    [InlineData("deploy/compose/witness.yml")]
    public void Every_node_sits_at_its_topology_address_moved_into_its_sites_network(string file)
    {
        foreach (var service in compose[file].Nodes)
        {
            var node = Topology.Node(service.Name);
            Assert.Equal((NetworkOf(node.Region), ContainerAddress.Of(node.Address).ToString()), service.HomeAddress);
        }
    }

    [Fact]
    public void On_one_host_each_site_network_has_its_topology_subnet_moved_into_the_container_space()
    {
        foreach (var region in Topology.Regions)
        {
            Assert.Equal(ContainerAddress.Of(region.Network), compose["docker-compose.yml"].SubnetOf(NetworkOf(region.Name)));
        }
    }

    [Theory]
    [MemberData(nameof(SiteFiles))]
    public void On_three_hosts_the_site_networks_are_the_external_ones_the_deploy_script_creates(string file, string region)
    {
        _ = region;
        foreach (var network in Topology.Regions.Select(r => NetworkOf(r.Name)))
        {
            Assert.True(compose[file].IsExternal(network), $"{file}: network {network} should be external");
            Assert.Contains($"name: stateless-{network}", compose[file].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_port_a_node_listens_on_is_the_topology_port()
    {
        var services = compose["docker-compose.yml"].Services;
        foreach (var node in ComposeNodes)
        {
            var service = services[node.Name];
            var expected = $"{ContainerAddress.Of(node.Address)}:{node.Port}";
            var text = string.Join('\n', service.Environment.Values.Concat(service.Command).Concat(service.HealthCheck));
            switch (node.Kind)
            {
                case NodeKind.Proxy:
                    Assert.Equal($"0.0.0.0:{node.Port}", service.Environment["PROXY_BIND"]);
                    break;
                case NodeKind.Redis:
                case NodeKind.Sentinel:
                case NodeKind.Dns:
                    // Their start scripts read address and port from variables: check the variables.
                    Assert.Contains(ContainerAddress.Of(node.Address).ToString(), service.Environment.Values);
                    Assert.Contains(node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), service.Environment.Values);
                    break;
                default:
                    Assert.Contains(expected, text, StringComparison.Ordinal);
                    break;
            }
        }
    }

    [Fact]
    public void On_one_host_the_proxies_and_the_DNS_are_published_at_their_local_stack_addresses_and_ports()
    {
        // Both of a proxy's public ports: HTTPS (PROXY_PORT) and the redirect-only HTTP port (PROXY_HTTP_PORT); its metrics
        // port is for Prometheus, inside the site networks.
        var expected = Topology.NodesOf(NodeKind.Proxy)
            .SelectMany(p => p.Ports.Where(port => port.Purpose != "metrics").Select(port => $"{p.Name} {p.Address}:{port.Number}:{port.Number}/tcp"))
            .Concat(Topology.NodesOf(NodeKind.Dns).SelectMany(d => new[] { $"{d.Name} {d.Address}:{d.Port}:{d.Port}/udp", $"{d.Name} {d.Address}:{d.Port}:{d.Port}/tcp" }));

        var published = compose["docker-compose.yml"].Services.Values.SelectMany(s => s.Ports.Select(p => $"{s.Name} {p}"));

        Assert.Equal(expected.Order(StringComparer.Ordinal), published.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_proxies_run_the_topologys_proxy_kind() =>
        Assert.All(compose["docker-compose.yml"].Nodes.Where(s => s.Kind == "proxy"),
            s => Assert.StartsWith($"statelessapp-{Topology.ProxyKind.ToString().ToLowerInvariant()}:", s.Image, StringComparison.Ordinal));

    public static TheoryData<string> FilesPerProxyKind => new(Repository.ComposeFilesPerProxyKind);

    /// <summary>The env file's STACK_PROXY_KIND (as `dotnet new --proxy nginx` writes it into the topology) picks the proxies' program in every file that has proxies.</summary>
    [Theory]
    [MemberData(nameof(FilesPerProxyKind))]
    public void The_proxies_run_the_kind_the_env_file_was_generated_with(string use)
    {
        var kind = Repository.ProxyKindName(Repository.ParseUse(use).Kind!.Value);
        var proxies = compose[use].Nodes.Where(s => s.Kind == "proxy").ToList();

        Assert.NotEmpty(proxies);
        Assert.All(proxies, s => Assert.StartsWith($"statelessapp-{kind}:", s.Image, StringComparison.Ordinal));
        Assert.All(proxies, s => Assert.Contains(kind, string.Join(' ', s.Command), StringComparison.Ordinal));
    }

    [Fact]
    public void The_standby_starts_after_the_initial_leader_as_the_stack_starts_them()
    {
        var services = compose["docker-compose.yml"].Services;
        var leader = Topology.NodeOf(NodeKind.Postgres, Topology.PostgresInitialLeaderRegion);
        foreach (var standby in Topology.NodesOf(NodeKind.Postgres).Where(n => n != leader))
        {
            Assert.Equal("service_healthy", services[standby.Name].DependsOn.GetValueOrDefault(leader.Name));
        }

        Assert.DoesNotContain(services[leader.Name].DependsOn.Keys, name => name.StartsWith("pg-", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_Redis_and_Sentinel_starts_from_the_initial_primary_of_the_topology()
    {
        var primary = Topology.NodeOf(NodeKind.Redis, Topology.RedisInitialPrimaryRegion);
        var services = compose["docker-compose.yml"].Services;
        foreach (var node in Topology.NodesOf(NodeKind.Redis))
        {
            Assert.Equal(ContainerAddress.Of(primary.Address).ToString(), services[node.Name].Environment["REDIS_INITIAL_PRIMARY_ADDR"]);
            Assert.Equal(Topology.RedisInitialPrimaryRegion, services[node.Name].Environment["REDIS_INITIAL_PRIMARY"]);
            Assert.Equal(node.Region, services[node.Name].Environment["NODE_REGION"]);
        }

        foreach (var node in Topology.NodesOf(NodeKind.Sentinel))
        {
            Assert.Equal(ContainerAddress.Of(primary.Address).ToString(), services[node.Name].Environment["REDIS_PRIMARY_ADDR"]);
        }
    }

    [Fact]
    public void Every_app_instance_knows_each_PostgreSQL_nodes_region_as_the_topology_places_it()
    {
        var expected = string.Join(',', Topology.NodesOf(NodeKind.Postgres)
            .Select(node => $"{ContainerAddress.Of(node.Address)}:{node.Port}={node.Region}"));
        var apps = compose["docker-compose.yml"].Nodes.Where(s => s.Kind == "app").ToList();

        Assert.NotEmpty(apps);
        Assert.All(apps, app => Assert.Equal(expected, app.Environment["Database__NodeRegions"]));
    }

    [Fact]
    public void Every_app_instance_knows_each_Redis_nodes_region_as_the_topology_places_it()
    {
        var expected = string.Join(',', Topology.NodesOf(NodeKind.Redis)
            .Select(node => $"{ContainerAddress.Of(node.Address)}:{node.Port}={node.Region}"));
        var apps = compose["docker-compose.yml"].Nodes.Where(s => s.Kind == "app").ToList();

        Assert.NotEmpty(apps);
        Assert.All(apps, app => Assert.Equal(expected, app.Environment["Redis__NodeRegions"]));
    }

    [Fact]
    public void Every_node_has_a_health_check_and_every_job_runs_once()
    {
        foreach (var service in compose["docker-compose.yml"].Services.Values)
        {
            if (service.IsJob)
            {
                Assert.Equal("no", service.Restart);
            }
            else
            {
                Assert.Equal("unless-stopped", service.Restart);
                Assert.True(service.Kind == "app" || service.HealthCheck.Count > 0, $"{service.Name} has no health check");
            }
        }

        // The apps' check is their image's (Dockerfile HEALTHCHECK; DockerfileTests checks it).
        Assert.All(compose["docker-compose.yml"].Nodes.Where(s => s.Kind == "app"), s => Assert.Equal("statelessapp-web:local", s.Image));
    }
}
