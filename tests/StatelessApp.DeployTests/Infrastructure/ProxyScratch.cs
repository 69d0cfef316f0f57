using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// What a test of one proxy process needs: a scratch folder (state with the controller's certificates, nginx's prefix),
/// the free ports its HTTPS and redirect listeners take, and the controller's context for the repository's topology.
/// </summary>
public sealed class ProxyScratch : IDisposable
{
    public ProxyScratch(string name, bool tls = true)
    {
        Folder = Directory.CreateTempSubdirectory(name + "-").FullName;
        var paths = new StackPaths(Repository.Root, Path.Combine(Folder, "state"));
        Context = new StackContext(Repository.Topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null), HostTools.Discover(), ProxyKind.Haproxy)
        {
            Tls = tls,
        };
    }

    public string Folder { get; }

    public int HttpPort { get; } = LoopbackPorts.FreeTcp();

    public int HttpsPort { get; } = LoopbackPorts.FreeTcp();

    public StackContext Context { get; }

    public void Dispose()
    {
        Context.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
