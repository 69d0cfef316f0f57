using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Prometheus at the witness site: deploy/prometheus/prometheus.yml rendered from the topology (every target labelled
/// region and instance), deploy/prometheus/alerts.yml scaled to the topology's interval (<see cref="AlertRules"/>).
/// Plain HTTP on its loopback address; one day of samples in its node folder.
/// </summary>
public sealed class PrometheusServer : Server
{
    public override NodeKind Kind => NodeKind.Prometheus;

    public override TimeSpan StopGrace => TimeSpan.FromSeconds(5);

    public static string ConfigFile(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "prometheus.yml");

    public static string AlertsFile(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "alerts.yml");

    /// <summary>The address operators open (the UI, /alerts, /targets) and the tests query.</summary>
    public static Uri Url(Node node) => new($"http://{node.Endpoint}/");

    public override void Prepare(Node node, StackContext context)
    {
        base.Prepare(node, context);
        var source = Path.Combine(context.Paths.Deploy, "prometheus");
        File.WriteAllText(AlertsFile(node, context), AlertRules.Scale(File.ReadAllText(Path.Combine(source, "alerts.yml")), context.Topology.MetricsInterval));
        ConfigTemplate.RenderToFile(Path.Combine(source, "prometheus.yml"), ConfigFile(node, context), Variables(node, context));
    }

    /// <summary>The template's variables: the topology's, and what only the controller knows (files, schemes, proxy kind).</summary>
    public static Dictionary<string, string> Variables(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Certificates.ClientWithoutCommonName("prometheus");
        var variables = new Dictionary<string, string>(context.Topology.Values, StringComparer.Ordinal)
        {
            ["METRICS_INTERVAL"] = ((int)context.Topology.MetricsInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
            ["PROMETHEUS_ALERTS_FILE"] = AlertsFile(node, context),
            ["HTTPS_SCHEME"] = context.HttpScheme,
            ["REDIS_SCHEME"] = RedisExporterServer.Scheme(context),
            ["PROMETHEUS_TLS_CA"] = context.Certificates.CaCertificateFile,
            ["PROMETHEUS_TLS_CERT"] = client.CertificateFile,
            ["PROMETHEUS_TLS_KEY"] = client.KeyFile,
        };
        foreach (var proxy in context.Topology.NodesOf(NodeKind.Proxy))
        {
            variables[$"{proxy.Region.ToUpperInvariant()}_PROXY_METRICS_TARGET"] = context.ProxyKind == ProxyKind.Nginx
                ? context.Topology.NodeOf(NodeKind.NginxExporter, proxy.Region).Endpoint
                : $"{proxy.Address}:{ProxyServer.MetricsPort(proxy).ToString(CultureInfo.InvariantCulture)}";
        }

        return variables;
    }

    public override LaunchSpec Launch(Node node, StackContext context) => new("prometheus",
    [
        $"--config.file={ConfigFile(node, context)}",
        $"--web.listen-address={node.Endpoint}",
        $"--storage.tsdb.path={Path.Combine(context.Paths.DataOf(node.Name), "tsdb")}",
        "--storage.tsdb.retention.time=1d",
        "--log.level=warn",
    ]);

    /// <summary>Healthy when ready; the detail counts the targets that answered their last scrape.</summary>
    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var ready = await context.Http.GetAsync(new Uri(Url(node), "-/ready"), cancellationToken);
            if (!ready.IsSuccessStatusCode)
            {
                return NodeProbe.Down($"/-/ready: {(int)ready.StatusCode}");
            }

            using var targets = JsonDocument.Parse(await context.Http.GetStringAsync(new Uri(Url(node), "api/v1/targets?state=active"), cancellationToken));
            var health = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => t.GetProperty("health").GetString()).ToList();
            return new NodeProbe(true, ServerRole.None, $"{Url(node)} {health.Count(h => h == "up")}/{health.Count} targets up");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }
}
