namespace StatelessApp.Stack.Topology;

/// <summary>Which reverse proxy fronts each region.</summary>
public enum ProxyKind
{
    /// <summary>Active health checks and layer-7 retries: an instance dying mid-request costs the client nothing.</summary>
    Haproxy,

    /// <summary>Passive health checks; cannot retry a request whose response had started (see docs/local-stack.md).</summary>
    Nginx,
}
