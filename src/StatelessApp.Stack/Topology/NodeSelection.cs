namespace StatelessApp.Stack.Topology;

/// <summary>Which nodes of the topology one run of the stack starts, probes and waits for.</summary>
public static class NodeSelection
{
    /// <summary>
    /// Every node, except the observability servers when <paramref name="observability"/> is off (`up --no-observability`)
    /// and the nginx exporters unless the proxies are nginx (HAProxy exports its own metrics).
    /// </summary>
    public static bool Runs(Node node, ProxyKind proxyKind, bool observability)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Kind switch
        {
            _ when node.Kind.IsObservability() && !observability => false,
            NodeKind.NginxExporter => proxyKind == ProxyKind.Nginx,
            _ => true,
        };
    }
}
