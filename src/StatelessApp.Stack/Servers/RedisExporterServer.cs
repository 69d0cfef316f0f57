using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// prometheus-redis-exporter for its site's Redis node (/metrics) and, through its multi-target endpoint
/// (/scrape?target=…, see deploy/prometheus/prometheus.yml), its site's Sentinel. Logs in as the ACL user monitor
/// (deploy/redis/users.acl, deploy/redis/sentinel.conf); the password only in its environment. CONFIG is never sent
/// (maxmemory comes from INFO), so the user needs no CONFIG GET, which would show masterauth.
/// </summary>
public sealed class RedisExporterServer : ExporterServer
{
    public override NodeKind Kind => NodeKind.RedisExporter;

    protected override string UpMetric => "redis_up";

    protected override NodeKind ExportedKind => NodeKind.Redis;

    /// <summary>redis:// or, with TLS, rediss:// (the exporter then checks the server against the stack's CA).</summary>
    public static string Scheme(StackContext context) => context.Tls ? "rediss" : "redis";

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REDIS_ADDR"] = $"{Scheme(context)}://{Exported(node, context).Endpoint}",
            ["REDIS_USER"] = RedisUsers.Monitor,
            ["REDIS_PASSWORD"] = context.Secrets.RedisMonitorPassword,
            ["REDIS_EXPORTER_WEB_LISTEN_ADDRESS"] = node.Endpoint,
            ["REDIS_EXPORTER_CONFIG_COMMAND"] = "-",
            // Redis's metrics only, not the exporter's own Go runtime: fewer series to scrape every second.
            ["REDIS_EXPORTER_REDIS_ONLY_METRICS"] = "true",
        };
        if (context.Tls)
        {
            environment["REDIS_EXPORTER_TLS_CA_CERT_FILE"] = context.Certificates.CaCertificateFile;
        }

        return new LaunchSpec("prometheus-redis-exporter", []) { Environment = environment };
    }
}
