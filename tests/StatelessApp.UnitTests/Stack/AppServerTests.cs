using Microsoft.Extensions.Logging.Abstractions;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Redis;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public sealed class AppServerTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-app-server-").FullName;

    [Fact]
    public void Extra_app_settings_reach_the_instance_as_environment_variables()
    {
        var context = Context();
        var app = context.Topology.Node("app-a1");
        var server = new AppServer();
        Assert.DoesNotContain("Sessions__IdleTimeout", server.Launch(app, context).Environment.Keys);

        context.AppSettings["Sessions:IdleTimeout"] = "00:05:00";
        var environment = server.Launch(app, context).Environment;

        Assert.Equal("00:05:00", environment["Sessions__IdleTimeout"]);
    }

    [Fact]
    public void An_instance_listens_on_HTTPS_only_with_its_node_certificate()
    {
        var context = Context();
        var app = context.Topology.Node("app-a1");

        var environment = new AppServer().Launch(app, context).Environment;

        Assert.Equal($"https://{app.Endpoint}", environment["ASPNETCORE_URLS"]);
        Assert.Equal(context.Certificates.For(app).CertificateFile, environment["Kestrel__Certificates__Default__Path"]);
        Assert.Equal(context.Certificates.For(app).KeyFile, environment["Kestrel__Certificates__Default__KeyPath"]);
    }

    [Fact]
    public void Instances_accept_the_stacks_name_and_the_proxies_and_instances_addresses_as_Host_and_nothing_else()
    {
        var context = Context();

        var allowed = new AppServer().Launch(context.Topology.Node("app-a1"), context).Environment["AllowedHosts"].Split(';');

        Assert.Equal(context.Topology.Domain, allowed[0]);
        Assert.Equal(
            context.Topology.NodesOf(NodeKind.Proxy).Concat(context.Topology.NodesOf(NodeKind.App)).Select(node => node.Address.ToString()).Order(),
            allowed[1..].Order());
        Assert.DoesNotContain("*", allowed);
    }

    [Fact]
    public void Instances_export_OTLP_to_the_dashboard_only_when_this_run_has_one()
    {
        var context = Context();
        var app = context.Topology.Node("app-a1");
        var dashboard = context.Topology.NodesOf(NodeKind.Dashboard).Single();

        var observed = new AppServer().Launch(app, context).Environment;
        context.Observability = false;
        var unobserved = new AppServer().Launch(app, context).Environment;

        Assert.Equal($"http://{dashboard.Address}:{dashboard.Ports[1].Number}", observed["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", observed["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.DoesNotContain(unobserved.Keys, key => key.StartsWith("OTEL_", StringComparison.Ordinal));
    }

    [Fact]
    public void Instances_get_the_stacks_key_ring_certificate()
    {
        var context = Context();
        var environment = new AppServer().Launch(context.Topology.Node("app-a1"), context).Environment;

        Assert.Equal(Path.Combine(context.Paths.Tls, "keyring.crt"), environment["KeyRing__Certificate__Path"]);
        Assert.Equal(Path.Combine(context.Paths.Tls, "keyring.key"), environment["KeyRing__Certificate__KeyPath"]);
        Assert.True(File.Exists(environment["KeyRing__Certificate__KeyPath"]));
    }

    [Fact]
    public void Instances_run_the_published_app_unless_another_assembly_is_given()
    {
        var context = Context();
        var app = context.Topology.Node("app-a1");
        var server = new AppServer();
        var shipped = server.Launch(app, context);

        var benchHost = Path.Combine(_state, "bench-host", "StatelessApp.Bench.Host.dll");
        context.AppAssembly = benchHost;
        var other = server.Launch(app, context);

        Assert.Equal([context.Paths.AppAssembly], shipped.Arguments);
        Assert.Equal(context.Paths.App, shipped.WorkingDirectory);
        Assert.Equal([benchHost], other.Arguments);
        Assert.Equal(Path.GetDirectoryName(benchHost), other.WorkingDirectory);
    }

    [Fact]
    public void Instances_learn_each_PostgreSQL_nodes_region_from_the_topology_in_a_form_the_app_accepts()
    {
        var context = Context();
        var app = context.Topology.Node("app-b1");
        var environment = new AppServer().Launch(app, context).Environment;
        var options = new ReplicatedDatabaseOptions
        {
            ConnectionString = environment["ConnectionStrings__Shop"],
            NodeRegions = environment["Database__NodeRegions"],
        };

        var validation = new ReplicatedDatabaseOptionsValidator().Validate("Shop", options);
        using var dataSource = ReplicatedDataSource.Create("Shop", options, NullLoggerFactory.Instance);

        Assert.True(validation.Succeeded, validation.FailureMessage);
        Assert.Equal(
            context.Topology.NodesOf(NodeKind.Postgres).Select(node => (node.Endpoint, (string?)node.Region)),
            dataSource.Nodes.Select(node => (node.Endpoint, node.Region)));
        Assert.Equal("b", environment["Instance__Region"]);
        Assert.Contains(dataSource.Nodes, node => node.Region == app.Region);
    }

    [Fact]
    public void Instances_learn_each_Redis_nodes_region_from_the_topology_in_a_form_the_app_accepts()
    {
        var context = Context();
        var app = context.Topology.Node("app-b1");
        var environment = new AppServer().Launch(app, context).Environment;
        var nodeRegions = environment["Redis__NodeRegions"];

        var validation = new RedisRegionOptionsValidator().Validate(null, new RedisRegionOptions { NodeRegions = nodeRegions });

        Assert.True(validation.Succeeded, validation.FailureMessage);
        var local = context.Topology.NodesOf(NodeKind.Redis).Single(node => node.Region == app.Region);
        Assert.Equal([(local.Address.ToString(), local.Port)], LocalRedisNodes.Choose(nodeRegions, environment["Instance__Region"]));
    }

    private StackContext Context()
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        return new StackContext(StackTopology.Load(paths.TopologyFile), paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null),
            HostTools.Discover(), ProxyKind.Haproxy);
    }

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        GC.SuppressFinalize(this);
    }
}
