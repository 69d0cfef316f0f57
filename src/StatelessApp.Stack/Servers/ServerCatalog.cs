using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>The server definition for each node kind (the proxy one depends on the chosen proxy).</summary>
public static class ServerCatalog
{
    private static readonly Dictionary<NodeKind, Server> Servers = new Server[]
    {
        new EtcdServer(), new PatroniServer(), new RedisServer(), new SentinelServer(), new AppServer(), new DnsServer(),
        new RedisExporterServer(), new PostgresExporterServer(), new NginxExporterServer(), new PrometheusServer(), new DashboardServer(),
    }.ToDictionary(s => s.Kind);

    public static Server For(Node node, ProxyKind proxyKind) =>
        node.Kind == NodeKind.Proxy
            ? proxyKind == ProxyKind.Nginx ? new NginxServer() : new HaproxyServer()
            : Servers[node.Kind];
}
