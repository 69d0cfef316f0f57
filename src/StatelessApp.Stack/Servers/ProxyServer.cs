using System.Globalization;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// What the two proxies share: the same variables (listeners, certificate, the CA and name the apps' certificates must
/// have, own region's apps, other region's apps) and the same probe — the proxy answers over HTTPS, and says whether it
/// can reach a ready app (/health/ready through it).
/// </summary>
public abstract class ProxyServer : Server
{
    public override NodeKind Kind => NodeKind.Proxy;

    public abstract ProxyKind ProxyKind { get; }

    protected static Dictionary<string, string> Variables(Node node, StackContext context)
    {
        var local = context.Topology.NodesIn(node.Region).Where(n => n.Kind == NodeKind.App).OrderBy(n => n.Ordinal).ToList();
        var remote = context.Topology.NodesIn(StackTopology.OtherRegion(node.Region)).Where(n => n.Kind == NodeKind.App).OrderBy(n => n.Ordinal).ToList();
        var certificate = context.Certificates.For(node);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PROXY_REGION"] = node.Region,
            // "off" only in the plaintext twin that measures what TLS costs (StackContext.Tls).
            ["PROXY_TLS"] = context.Tls ? "on" : "off",
            // The same switch as nginx needs it (a template has no conditionals): the listener's options, the apps' scheme.
            ["PROXY_LISTEN_TLS"] = context.Tls ? "ssl http2" : "",
            ["APP_SCHEME"] = context.HttpScheme,
            ["PROXY_BIND"] = node.Endpoint,
            // Connections to the apps leave from the proxy's own address (else, on loopback, from 127.0.0.1): the apps
            // trust X-Forwarded-For only from Proxy:KnownProxies, and the client address is what rate limits count by.
            ["PROXY_SOURCE_ADDR"] = node.Address.ToString(),
            ["PROXY_HTTP_BIND"] = $"{node.Address}:{RedirectPort(node).ToString(CultureInfo.InvariantCulture)}",
            ["PROXY_METRICS_BIND"] = $"{node.Address}:{MetricsPort(node).ToString(CultureInfo.InvariantCulture)}",
            ["PROXY_HTTPS_PORT"] = node.Port.ToString(CultureInfo.InvariantCulture),
            ["PROXY_TLS_CERT"] = certificate.CertificateFile,
            ["PROXY_TLS_KEY"] = certificate.KeyFile,
            ["PROXY_TLS_CA"] = context.Certificates.CaCertificateFile,
            ["APP_TLS_NAME"] = context.Topology.AppTlsName,
            ["EDGE_REQUEST_RATE"] = context.Topology.EdgeLimits.RequestRate.ToString(CultureInfo.InvariantCulture),
            ["EDGE_REQUEST_BURST"] = context.Topology.EdgeLimits.RequestBurst.ToString(CultureInfo.InvariantCulture),
            ["EDGE_CONNECTIONS"] = context.Topology.EdgeLimits.Connections.ToString(CultureInfo.InvariantCulture),
            ["EDGE_LIMIT_EXEMPT"] = context.Topology.EdgeLimits.Exempt.ToString(),
        };
        for (var i = 0; i < StackTopology.AppsPerRegion; i++)
        {
            var ordinal = (i + 1).ToString(CultureInfo.InvariantCulture);
            variables[$"LOCAL_APP{ordinal}"] = local[i].Endpoint;
            variables[$"REMOTE_APP{ordinal}"] = remote[i].Endpoint;
        }

        return variables;
    }

    /// <summary>The plain HTTP port, which only redirects to HTTPS (PROXY_HTTP_PORT).</summary>
    public static int RedirectPort(Node node) => node.Ports[1].Number;

    /// <summary>HAProxy's Prometheus exporter, or nginx's stub_status (PROXY_METRICS_PORT).</summary>
    public static int MetricsPort(Node node) => node.Ports[2].Number;

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.Http.GetAsync(new Uri($"{context.HttpScheme}://{node.Endpoint}/health/ready"), cancellationToken);
            return new NodeProbe(true, ServerRole.None, $"{ProxyKind.ToString().ToLowerInvariant()}, app via proxy: {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }
}
