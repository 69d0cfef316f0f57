using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>nginx (the alternative proxy): deploy/nginx/nginx.conf.template rendered per region, run with the node folder as prefix.</summary>
public sealed class NginxServer : ProxyServer
{
    public override ProxyKind ProxyKind => ProxyKind.Nginx;

    public override void Prepare(Node node, StackContext context)
    {
        var prefix = context.Paths.DataOf(node.Name);
        Directory.CreateDirectory(Path.Combine(prefix, "temp"));
        ConfigTemplate.RenderToFile(Path.Combine(context.Paths.Deploy, "nginx", "nginx.conf.template"), Path.Combine(prefix, "nginx.conf"), Variables(node, context));
    }

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var prefix = context.Paths.DataOf(node.Name);
        // -e: errors before the config is read go to stderr (the node's log), not to /var/log/nginx.
        return new LaunchSpec("nginx", ["-p", prefix + "/", "-c", Path.Combine(prefix, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"]);
    }
}
