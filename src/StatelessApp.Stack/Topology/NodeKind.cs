namespace StatelessApp.Stack.Topology;

/// <summary>What a node runs. The order is the start order: every kind depends only on kinds before it.</summary>
public enum NodeKind
{
    Etcd,
    Postgres,
    Redis,
    Sentinel,

    /// <summary>
    /// The Aspire dashboard at the witness site: receives the apps' OTLP (traces, metrics, logs) and shows them. Before
    /// the apps, so their first spans have somewhere to go.
    /// </summary>
    Dashboard,
    App,
    Proxy,
    Dns,

    /// <summary>prometheus-redis-exporter: its site's Redis node, and its Sentinel through /scrape?target=.</summary>
    RedisExporter,

    /// <summary>prometheus-postgres-exporter: its site's PostgreSQL node.</summary>
    PostgresExporter,

    /// <summary>prometheus-nginx-exporter: its region's nginx (stub_status); runs only when the proxies are nginx.</summary>
    NginxExporter,

    /// <summary>Prometheus at the witness site: scrapes every server and evaluates the alerting rules.</summary>
    Prometheus,
}
