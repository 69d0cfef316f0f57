using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>HAProxy (the default proxy): deploy/haproxy/haproxy.cfg as is, its "${VAR}"s expanded by HAProxy from the environment.</summary>
public sealed class HaproxyServer : ProxyServer
{
    public override ProxyKind ProxyKind => ProxyKind.Haproxy;

    public override LaunchSpec Launch(Node node, StackContext context) =>
        // -db: stay in the foreground, no daemon (the controller tracks the pid).
        new("haproxy", ["-db", "-f", Path.Combine(context.Paths.Deploy, "haproxy", "haproxy.cfg")])
        {
            Environment = Variables(node, context),
        };
}
