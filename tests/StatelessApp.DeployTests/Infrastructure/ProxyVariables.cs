using System.Globalization;
using StatelessApp.Stack.Servers;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// What the controller gives proxy-a, moved to the given ports on 127.0.0.1, with the given app instances; its metrics
/// listener too, on a free port: at the topology's 127.1.0.10:8405 two proxy tests running at once (or a local stack's
/// proxy-a) would collide, and the later proxy would not start.
/// </summary>
public static class ProxyVariables
{
    /// <param name="apps">LOCAL_APP1, LOCAL_APP2, REMOTE_APP1, REMOTE_APP2 (address:port).</param>
    public static Dictionary<string, string> Of(StackContext context, int httpsPort, int httpPort, IReadOnlyList<string> apps)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(apps);
        var proxy = context.Topology.Node("proxy-a");
        var variables = new Dictionary<string, string>(new HaproxyServer().Launch(proxy, context).Environment, StringComparer.Ordinal)
        {
            ["PROXY_BIND"] = $"127.0.0.1:{httpsPort.ToString(CultureInfo.InvariantCulture)}",
            ["PROXY_HTTP_BIND"] = $"127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
            ["PROXY_SOURCE_ADDR"] = "127.0.0.1",
            ["PROXY_HTTPS_PORT"] = httpsPort.ToString(CultureInfo.InvariantCulture),
            ["PROXY_METRICS_BIND"] = $"127.0.0.1:{LoopbackPorts.FreeTcp().ToString(CultureInfo.InvariantCulture)}",
        };
        string[] names = ["LOCAL_APP1", "LOCAL_APP2", "REMOTE_APP1", "REMOTE_APP2"];
        for (var i = 0; i < names.Length; i++)
        {
            variables[names[i]] = apps[i];
        }

        return variables;
    }
}
