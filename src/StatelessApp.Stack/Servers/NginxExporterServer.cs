using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// prometheus-nginx-exporter for its region's nginx: reads stub_status on the proxy's metrics port
/// (deploy/nginx/nginx.conf.template). Started only when the proxies are nginx (<see cref="NodeSelection"/>).
/// </summary>
public sealed class NginxExporterServer : ExporterServer
{
    public override NodeKind Kind => NodeKind.NginxExporter;

    protected override string UpMetric => "nginx_up";

    protected override NodeKind ExportedKind => NodeKind.Proxy;

    /// <summary>Where the exporter reads nginx's counters.</summary>
    public static string StubStatusUri(Node proxy) =>
        $"http://{proxy.Address}:{ProxyServer.MetricsPort(proxy).ToString(System.Globalization.CultureInfo.InvariantCulture)}/stub_status";

    public override LaunchSpec Launch(Node node, StackContext context) => new("prometheus-nginx-exporter",
    [
        $"-nginx.scrape-uri={StubStatusUri(Exported(node, context))}",
        $"-web.listen-address={node.Endpoint}",
        // A restarted exporter waits for its nginx instead of exiting while the proxy is down (a drill killed it).
        "-nginx.retries=1000000",
        "-nginx.retry-interval=1s",
    ]);
}
