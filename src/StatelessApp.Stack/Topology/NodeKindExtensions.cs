namespace StatelessApp.Stack.Topology;

public static class NodeKindExtensions
{
    /// <summary>Prometheus, the exporters and the dashboard: what `up --no-observability` leaves out (nothing else depends on them).</summary>
    public static bool IsObservability(this NodeKind kind) =>
        kind is NodeKind.RedisExporter or NodeKind.PostgresExporter or NodeKind.NginxExporter or NodeKind.Prometheus or NodeKind.Dashboard;

    /// <summary>
    /// The dashboard: the local stack's trace viewer (unsecured, loopback only), which the compose stack does not run;
    /// its instances export OTLP wherever OTEL_EXPORTER_OTLP_ENDPOINT names.
    /// </summary>
    public static bool IsLocalStackOnly(this NodeKind kind) => kind is NodeKind.Dashboard;
}
