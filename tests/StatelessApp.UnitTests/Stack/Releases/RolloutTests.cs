using StatelessApp.Stack;
using StatelessApp.Stack.Operations;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack.Releases;

public sealed class RolloutTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-rollout-").FullName;

    private static StackTopology Topology => StackTopology.Load(new StackPaths(StackPaths.FindRepositoryRoot()).TopologyFile);

    [Theory]
    [InlineData("a", new[] { "app-b1", "app-b2", "app-a1", "app-a2" })]
    [InlineData("b", new[] { "app-a1", "app-a2", "app-b1", "app-b2" })]
    [InlineData(null, new[] { "app-a1", "app-a2", "app-b1", "app-b2" })]
    public void Instances_roll_one_region_at_a_time_the_region_without_the_primary_first(string? primaryRegion, string[] order)
    {
        Assert.Equal(order, RolloutOrder.For(Topology, primaryRegion).Select(n => n.Name));
    }

    [Fact]
    public void The_proxies_name_their_own_regions_instances_local_and_the_others_remote()
    {
        var topology = Topology;
        var proxyA = topology.Node("proxy-a");

        Assert.Equal("local2", ProxyRotation.ServerName(proxyA, topology.Node("app-a2")));
        Assert.Equal("remote1", ProxyRotation.ServerName(proxyA, topology.Node("app-b1")));
    }

    [Fact]
    public void A_servers_state_is_the_one_HAProxys_exporter_sets_to_1()
    {
        const string metrics = """
            # HELP haproxy_server_status Current status of the service, per state label value.
            haproxy_server_status{proxy="apps",server="local1",state="DOWN"} 1
            haproxy_server_status{proxy="apps",server="local1",state="UP"} 0
            haproxy_server_status{proxy="apps",server="local2",state="DOWN"} 0
            haproxy_server_status{proxy="apps",server="local2",state="UP"} 1
            haproxy_server_status{proxy="other",server="local2",state="MAINT"} 1
            haproxy_server_check_status{proxy="apps",server="local1",state="L4CON"} 1
            """;

        Assert.Equal(new Dictionary<string, string> { ["local1"] = "DOWN", ["local2"] = "UP" }, ProxyRotation.ServerStates(metrics));
    }

    [Fact]
    public void Instances_start_from_the_current_release_and_a_rollout_from_the_release_it_is_given()
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        using var context = new StackContext(Topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null), HostTools.Discover(), ProxyKind.Haproxy);
        var app = context.Topology.Node("app-a1");
        var current = new AppRelease("1.0.0-aaaaaaaa-20261205T170000Z", "1.0.0", paths.ReleaseOf("1.0.0-aaaaaaaa-20261205T170000Z"));
        var next = new AppRelease("1.1.0-bbbbbbbb-20261205T171000Z", "1.1.0", paths.ReleaseOf("1.1.0-bbbbbbbb-20261205T171000Z"));
        context.Release = current;

        var started = new AppServer().Launch(app, context);
        var rolled = AppServer.LaunchFrom(app, context, next.Assembly);

        Assert.Equal([current.Assembly], started.Arguments);
        Assert.Equal(current.Folder, started.WorkingDirectory);
        Assert.Equal([Path.Combine(paths.Releases, next.Id, "StatelessApp.Web.dll")], rolled.Arguments);
        Assert.Equal(next.Folder, rolled.WorkingDirectory);
        Assert.Equal(started.Environment, rolled.Environment);
    }

    [Fact]
    public void An_instance_keeps_serving_after_SIGTERM_longer_than_HAProxy_takes_to_drop_it()
    {
        var config = File.ReadAllText(Path.Combine(StackPaths.FindRepositoryRoot(), "deploy", "haproxy", "haproxy.cfg"));
        var checks = System.Text.RegularExpressions.Regex.Match(config, @"default-server inter (\d+)ms fastinter \d+ms downinter \S+ fall (\d+)");
        var takenOutAfter = TimeSpan.FromMilliseconds(int.Parse(checks.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            * int.Parse(checks.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(checks.Success);
        Assert.True(AppServer.DrainDelay >= 2 * takenOutAfter, $"drain delay {AppServer.DrainDelay} vs {takenOutAfter} for HAProxy to take an instance out");
    }

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        GC.SuppressFinalize(this);
    }
}
