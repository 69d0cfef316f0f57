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
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        var topology = StackTopology.Load(paths.TopologyFile);
        var context = new StackContext(topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null), HostTools.Discover(), ProxyKind.Haproxy);
        var app = topology.Node("app-a1");
        var server = new AppServer();
        Assert.DoesNotContain("StateMode", server.Launch(app, context).Environment.Keys);

        context.AppSettings["StateMode"] = "Stateful";
        context.AppSettings["Sessions:IdleTimeout"] = "00:05:00";
        var environment = server.Launch(app, context).Environment;

        Assert.Equal("Stateful", environment["StateMode"]);
        Assert.Equal("00:05:00", environment["Sessions__IdleTimeout"]);
        Assert.Equal($"http://{app.Endpoint}", environment["ASPNETCORE_URLS"]);
    }

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        GC.SuppressFinalize(this);
    }
}
