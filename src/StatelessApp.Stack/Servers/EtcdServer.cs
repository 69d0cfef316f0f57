using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>An etcd member (Patroni's consensus store; one per region and one at the witness). Configured by ETCD_* variables.</summary>
public sealed class EtcdServer : Server
{
    public override NodeKind Kind => NodeKind.Etcd;

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var environment = new Dictionary<string, string>(ConfigTemplate.ReadEnvFile(Path.Combine(context.Paths.Deploy, "etcd", "etcd.env")), StringComparer.Ordinal)
        {
            ["ETCD_NAME"] = node.Name,
            ["ETCD_DATA_DIR"] = Path.Combine(context.Paths.DataOf(node.Name), "member-data"),
            ["ETCD_LISTEN_CLIENT_URLS"] = ClientUrl(node),
            ["ETCD_ADVERTISE_CLIENT_URLS"] = ClientUrl(node),
            ["ETCD_LISTEN_PEER_URLS"] = PeerUrl(node),
            ["ETCD_INITIAL_ADVERTISE_PEER_URLS"] = PeerUrl(node),
            ["ETCD_INITIAL_CLUSTER"] = string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => $"{n.Name}={PeerUrl(n)}")),
        };
        return new LaunchSpec("etcd", []) { Environment = environment };
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var health = await context.Http.GetAsync(new Uri(ClientUrl(node) + "/health"), cancellationToken);
            var body = await health.Content.ReadAsStringAsync(cancellationToken);
            if (!health.IsSuccessStatusCode || !body.Contains("\"true\"", StringComparison.Ordinal))
            {
                return NodeProbe.Down($"/health: {(int)health.StatusCode} {body.Trim()}");
            }

            // Which member leads the Raft group (status needs no authentication).
            using var status = await context.Http.PostAsync(new Uri(ClientUrl(node) + "/v3/maintenance/status"), new StringContent("{}"), cancellationToken);
            using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync(cancellationToken));
            var self = json.RootElement.GetProperty("header").GetProperty("member_id").GetString();
            var leader = json.RootElement.GetProperty("leader").GetString();
            return new NodeProbe(true, self == leader ? ServerRole.Leader : ServerRole.Follower, "healthy");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return NodeProbe.Down(e.Message);
        }
    }

    public static string ClientUrl(Node node) => $"http://{node.Address}:{node.Ports[0].Number.ToString(CultureInfo.InvariantCulture)}";

    public static string PeerUrl(Node node) => $"http://{node.Address}:{node.Ports[1].Number.ToString(CultureInfo.InvariantCulture)}";
}
