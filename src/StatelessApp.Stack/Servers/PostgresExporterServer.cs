using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// prometheus-postgres-exporter for its site's PostgreSQL node: role monitor (pg_monitor, database postgres only;
/// deploy/patroni/post-bootstrap.sh and patroni.yml's pg_hba), the password only in its environment, TLS with the server
/// checked against the stack's CA and its address as every other client does.
/// </summary>
public sealed class PostgresExporterServer : ExporterServer
{
    public override NodeKind Kind => NodeKind.PostgresExporter;

    protected override string UpMetric => "pg_up";

    protected override NodeKind ExportedKind => NodeKind.Postgres;

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var tls = context.Tls ? $"sslmode=verify-full&sslrootcert={context.Certificates.CaCertificateFile}" : "sslmode=disable";
        return new LaunchSpec("prometheus-postgres-exporter",
        [
            $"--web.listen-address={node.Endpoint}",
            // pg_settings is some 300 series of configuration, scraped every second for nothing the alerts use.
            "--disable-settings-metrics",
            "--log.level=warn",
        ])
        {
            Environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["DATA_SOURCE_URI"] = $"{Exported(node, context).Endpoint}/postgres?{tls}",
                ["DATA_SOURCE_USER"] = "monitor",
                ["DATA_SOURCE_PASS"] = context.Secrets.PostgresMonitorPassword,
            },
        };
    }
}
