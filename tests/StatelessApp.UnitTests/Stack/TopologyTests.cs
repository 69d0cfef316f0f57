using System.Net;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public class TopologyTests
{
    private static readonly string RepositoryTopology = new StackPaths(StackPaths.FindRepositoryRoot()).TopologyFile;

    private static Dictionary<string, string> ValidValues() => new(TopologyFile.Read(RepositoryTopology), StringComparer.Ordinal);

    private static TopologyException Invalid(Action<Dictionary<string, string>> change)
    {
        var values = ValidValues();
        change(values);
        return Assert.Throws<TopologyException>(() => StackTopology.FromValues(values));
    }

    [Fact]
    public void The_committed_topology_has_two_regions_and_a_witness_with_every_node()
    {
        var topology = StackTopology.Load(RepositoryTopology);

        Assert.Equal(["a", "b", "w"], topology.Regions.Select(r => r.Name));
        Assert.Equal(27, topology.Nodes.Count);
        foreach (var region in StackTopology.DataRegions)
        {
            Assert.Equal(
                [NodeKind.Etcd, NodeKind.Postgres, NodeKind.Redis, NodeKind.Sentinel, NodeKind.App, NodeKind.App, NodeKind.Proxy,
                 NodeKind.RedisExporter, NodeKind.PostgresExporter, NodeKind.NginxExporter],
                topology.NodesIn(region).Select(n => n.Kind));
        }

        Assert.Equal([NodeKind.Etcd, NodeKind.Redis, NodeKind.Sentinel, NodeKind.Dashboard, NodeKind.Dns, NodeKind.RedisExporter, NodeKind.Prometheus], topology.NodesIn("w").Select(n => n.Kind));
        Assert.Equal(TimeSpan.FromSeconds(1), topology.MetricsInterval);
        Assert.Equal(3, topology.NodesOf(NodeKind.Redis).Count);
        Assert.Equal(3, topology.NodesOf(NodeKind.Sentinel).Count);
        Assert.Equal(3, topology.NodesOf(NodeKind.Etcd).Count);
        Assert.Equal("app.stateless.test", topology.Domain);
        Assert.Equal(ProxyKind.Haproxy, topology.ProxyKind);
        Assert.Equal("a", topology.RedisInitialPrimaryRegion);
        Assert.Equal("a", topology.PostgresInitialLeaderRegion);
    }

    [Fact]
    public void Addresses_follow_the_region_scheme_and_match_the_contract()
    {
        var topology = StackTopology.Load(RepositoryTopology);

        Assert.All(topology.NodesIn("a"), n => Assert.StartsWith("127.1.", n.Address.ToString(), StringComparison.Ordinal));
        Assert.All(topology.NodesIn("b"), n => Assert.StartsWith("127.2.", n.Address.ToString(), StringComparison.Ordinal));
        Assert.All(topology.NodesIn("w"), n => Assert.StartsWith("127.3.", n.Address.ToString(), StringComparison.Ordinal));
        // CONTRACT.md's example connection strings use these endpoints.
        Assert.Equal("127.1.0.22:26379", topology.Node("sentinel-a").Endpoint);
        Assert.Equal("127.2.0.41:5432", topology.Node("pg-b").Endpoint);
        Assert.Equal("127.3.0.21:6379", topology.Node("redis-w").Endpoint);
        Assert.Equal(8008, topology.Node("pg-a").Ports[1].Number);
    }

    [Fact]
    public void A_moved_range_moves_every_address_and_network_and_keeps_the_ports()
    {
        var original = StackTopology.Load(RepositoryTopology);
        var moved = StackTopology.LoadOnMovedRange(RepositoryTopology, secondOctetOffset: 120);

        Assert.Equal(original.Nodes.Select(n => n.Name), moved.Nodes.Select(n => n.Name));
        foreach (var (before, after) in original.Nodes.Zip(moved.Nodes))
        {
            var octets = before.Address.GetAddressBytes();
            octets[1] += 120;
            Assert.Equal(new IPAddress(octets), after.Address);
            Assert.Equal(before.Ports.Select(p => p.Number), after.Ports.Select(p => p.Number));
        }

        Assert.Equal("127.121.0.0/16", moved.Values["A_NETWORK"]);
        Assert.Equal("127.123.0.0/16", moved.Values["W_NETWORK"]);
        Assert.Equal(original.Domain, moved.Domain);
        // Where exempt clients come from is not a node address: a moved stack's clients still come from 127.0.0.1.
        Assert.Equal(original.EdgeLimits, moved.EdgeLimits);
    }

    [Fact]
    public void The_edge_limits_are_read_and_checked()
    {
        var limits = StackTopology.Load(RepositoryTopology).EdgeLimits;
        Assert.Equal(new EdgeLimits(100, 200, 100, IPNetwork.Parse("127.0.0.1/32")), limits);

        var error = Invalid(values =>
        {
            values["EDGE_REQUEST_RATE"] = "0";
            values["EDGE_REQUEST_BURST"] = "-1";
            values["EDGE_LIMIT_EXEMPT"] = "127.0.0.1";
        });

        Assert.Contains(error.Errors, p => p.StartsWith("EDGE_REQUEST_RATE '0'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, p => p.StartsWith("EDGE_REQUEST_BURST '-1'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, p => p.StartsWith("EDGE_LIMIT_EXEMPT '127.0.0.1' is not a network in CIDR form", StringComparison.Ordinal));
    }

    [Fact]
    public void The_distances_between_the_sites_are_read_and_checked()
    {
        var distances = StackTopology.Load(RepositoryTopology).Distances;
        Assert.Equal(TimeSpan.FromMilliseconds(40), distances.RoundTrip("b", "a"));
        Assert.Equal(TimeSpan.FromMilliseconds(30), distances.RoundTrip("a", "w"));
        Assert.Equal(TimeSpan.FromMilliseconds(30), distances.RoundTrip("w", "b"));
        Assert.Equal(TimeSpan.Zero, distances.RoundTrip("b", "b"));

        var error = Invalid(values =>
        {
            values["SITE_RTT_A_B"] = "-5";
            values["SITE_RTT_A_W"] = "10001";
            values.Remove("SITE_RTT_B_W");
        });

        Assert.Contains(error.Errors, p => p.StartsWith("SITE_RTT_A_B '-5' is not a whole number", StringComparison.Ordinal));
        Assert.Contains("SITE_RTT_A_W '10001' is more than 10000", error.Errors);
        Assert.Contains("SITE_RTT_B_W is missing", error.Errors);
    }

    [Fact]
    public void A_move_past_the_last_octet_value_is_refused_naming_the_key()
    {
        var error = Assert.Throws<TopologyException>(() => StackTopology.LoadOnMovedRange(RepositoryTopology, secondOctetOffset: 254));

        Assert.Contains("B_NETWORK=127.2.0.0/16 cannot move by 254: the second octet would be 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_names_say_kind_region_and_ordinal()
    {
        var topology = StackTopology.Load(RepositoryTopology);

        Assert.Equal(
            ["etcd-a", "etcd-b", "etcd-w", "pg-a", "pg-b", "redis-a", "redis-b", "redis-w", "sentinel-a", "sentinel-b", "sentinel-w", "dashboard-w",
             "app-a1", "app-a2", "app-b1", "app-b2", "proxy-a", "proxy-b", "dns-w",
             "redis-exporter-a", "redis-exporter-b", "redis-exporter-w", "pg-exporter-a", "pg-exporter-b", "nginx-exporter-a", "nginx-exporter-b",
             "prometheus-w"],
            topology.Nodes.Select(n => n.Name));
        Assert.Equal(2, topology.Node("app-b2").Ordinal);
    }

    [Fact]
    public void Overrides_replace_keys_the_file_defines_and_ignore_others()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topology-{Guid.NewGuid():N}.env");
        File.Copy(RepositoryTopology, path);
        try
        {
            var topology = StackTopology.Load(path, new Dictionary<string, string> { ["PROXY_PORT"] = "9080", ["PATH"] = "/usr/bin" });

            Assert.Equal(9080, topology.Node("proxy-a").Port);
            Assert.False(topology.Values.ContainsKey("PATH"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_key_is_named()
    {
        var error = Invalid(v => v.Remove("B_REDIS_ADDR"));

        Assert.Contains("B_REDIS_ADDR is missing", error.Errors);
    }

    [Fact]
    public void The_witness_Redis_address_is_required_and_must_lie_in_the_witness_network()
    {
        Assert.Contains("W_REDIS_ADDR is missing", Invalid(v => v.Remove("W_REDIS_ADDR")).Errors);

        var outside = Invalid(v => v["W_REDIS_ADDR"] = "127.1.0.99");
        Assert.Contains(outside.Errors, e => e.StartsWith("W_REDIS_ADDR 127.1.0.99 is outside witness w", StringComparison.Ordinal));
    }

    [Fact]
    public void An_address_outside_its_region_is_named_with_the_region()
    {
        var error = Invalid(v => v["A_APP2_ADDR"] = "127.2.0.99");

        Assert.Contains(error.Errors, e => e.StartsWith("A_APP2_ADDR 127.2.0.99 is outside region a", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_nodes_on_one_endpoint_are_reported()
    {
        var error = Invalid(v => v["A_APP2_ADDR"] = "127.1.0.11");

        Assert.Contains(error.Errors, e => e.Contains("127.1.0.11:5443/tcp is used by app-a1 (https) and app-a2 (https)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Invalid(v =>
        {
            v["STACK_PROXY_KIND"] = "traefik";
            v["REDIS_PORT"] = "70000";
            v["W_NETWORK"] = "10.0.0.0/8";
            v["STACK_DOMAIN"] = "localhost";
            v["PROXY_PROT"] = "1";
        });

        Assert.Contains("STACK_PROXY_KIND must be 'haproxy' or 'nginx', not 'traefik'", error.Errors);
        Assert.Contains("REDIS_PORT '70000' is not a port number (1-65535)", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("W_NETWORK 10.0.0.0/8 is not inside loopback", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("STACK_DOMAIN 'localhost' is not a DNS name", StringComparison.Ordinal));
        Assert.Contains("PROXY_PROT is not a topology setting (a typo?)", error.Errors);
    }

    [Fact]
    public void Overlapping_region_networks_are_rejected()
    {
        var error = Invalid(v => v["B_NETWORK"] = "127.0.0.0/8");

        Assert.Contains(error.Errors, e => e.Contains("overlap", StringComparison.Ordinal));
    }

    [Fact]
    public void The_initial_primary_must_be_a_data_region()
    {
        var error = Invalid(v => v["POSTGRES_INITIAL_LEADER"] = "w");

        Assert.Contains("POSTGRES_INITIAL_LEADER must be one of a, b, not 'w'", error.Errors);
    }

    [Fact]
    public void Resolution_of_a_node_that_does_not_exist_names_it()
    {
        var topology = StackTopology.Load(RepositoryTopology);

        var error = Assert.Throws<ArgumentException>(() => topology.Node("app-c1"));
        Assert.Contains("app-c1", error.Message, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Parse("127.2.0.10"), topology.NodeOf(NodeKind.Proxy, "b").Address);
    }
}
