namespace StatelessApp.Hosting.Proxy;

/// <summary>Which proxies may speak for the client, and how an instance leaves the proxies' rotation.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>IP addresses of proxies whose X-Forwarded-* headers are trusted, e.g. "127.1.0.10".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>CIDR networks of proxies whose X-Forwarded-* headers are trusted, e.g. "127.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// How long, after shutdown begins, the instance keeps accepting requests while /health/ready already says 503,
    /// so every proxy notices (HAProxy probes every 500 ms) before Kestrel stops accepting connections.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The whole shutdown budget (drain delay + in-flight requests), applied as HostOptions.ShutdownTimeout.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
