using System.Globalization;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// What the two proxies share: the same variables (bind address, own region's apps, other region's apps) and the
/// same probe — the proxy answers, and says whether it can reach a ready app (/health/ready through it).
/// </summary>
public abstract class ProxyServer : Server
{
    public override NodeKind Kind => NodeKind.Proxy;

    public abstract ProxyKind ProxyKind { get; }

    protected static Dictionary<string, string> Variables(Node node, StackContext context)
    {
        var local = context.Topology.NodesIn(node.Region).Where(n => n.Kind == NodeKind.App).OrderBy(n => n.Ordinal).ToList();
        var remote = context.Topology.NodesIn(StackTopology.OtherRegion(node.Region)).Where(n => n.Kind == NodeKind.App).OrderBy(n => n.Ordinal).ToList();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PROXY_REGION"] = node.Region,
            ["PROXY_BIND"] = node.Endpoint,
        };
        for (var i = 0; i < StackTopology.AppsPerRegion; i++)
        {
            var ordinal = (i + 1).ToString(CultureInfo.InvariantCulture);
            variables[$"LOCAL_APP{ordinal}"] = local[i].Endpoint;
            variables[$"REMOTE_APP{ordinal}"] = remote[i].Endpoint;
        }

        return variables;
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.Http.GetAsync(new Uri($"http://{node.Endpoint}/health/ready"), cancellationToken);
            return new NodeProbe(true, ServerRole.None, $"{ProxyKind.ToString().ToLowerInvariant()}, app via proxy: {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }
}
