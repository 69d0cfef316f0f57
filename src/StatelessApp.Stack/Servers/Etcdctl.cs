using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>The arguments and environment every etcdctl call of the controller shares.</summary>
internal static class Etcdctl
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>"--endpoints=..." naming every member.</summary>
    public static string AllEndpoints(StackContext context) =>
        "--endpoints=" + string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => n.Endpoint));

    /// <summary>As root: the password travels in the environment, never on a command line (visible in ps).</summary>
    public static Dictionary<string, string> AsRoot(StackContext context) =>
        new() { ["ETCDCTL_API"] = "3", ["ETCDCTL_USER"] = "root:" + context.Secrets.EtcdRootPassword };

    public static Dictionary<string, string> Anonymous() => new() { ["ETCDCTL_API"] = "3" };
}
