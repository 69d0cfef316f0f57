using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// A Prometheus exporter that reads one server of its site (<see cref="Exported"/>) and serves its metrics on the node's
/// own address. Healthy when it answers; the detail says whether it reaches its server (<see cref="UpMetric"/>), which
/// the alerting rules watch, not the exporter's health.
/// </summary>
public abstract class ExporterServer : Server
{
    /// <summary>The exporter's gauge that is 1 when it reached its server on this scrape (redis_up, pg_up, nginx_up).</summary>
    protected abstract string UpMetric { get; }

    /// <summary>The kind of server this exporter reads: its site's node of that kind.</summary>
    protected abstract NodeKind ExportedKind { get; }

    /// <summary>The server this exporter reads: its site's node of <see cref="ExportedKind"/>.</summary>
    public Node Exported(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        return context.Topology.NodeOf(ExportedKind, node.Region);
    }

    public override TimeSpan StopGrace => TimeSpan.FromSeconds(2);

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            var metrics = await context.Http.GetStringAsync(new Uri($"http://{node.Endpoint}/metrics"), cancellationToken);
            var up = metrics.Split('\n').FirstOrDefault(line => line.StartsWith(UpMetric + " ", StringComparison.Ordinal));
            var exported = Exported(node, context).Name;
            return new NodeProbe(true, ServerRole.None, up is null ? $"{exported}: no {UpMetric}" : $"{exported}: {UpMetric} {up[(UpMetric.Length + 1)..].Trim()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }
}
