using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// An etcd member (Patroni's consensus store; one per region and one at the witness). Configured by ETCD_* variables.
/// With TLS on, clients and peers speak TLS and must present a certificate of the stack's CA (client-cert-auth on
/// both); on top of that every client logs in as an etcd user (EtcdAuthentication).
/// </summary>
public sealed class EtcdServer : Server
{
    public override NodeKind Kind => NodeKind.Etcd;

    /// <summary>
    /// A file in the node's folder that makes its next start join the running cluster (<c>existing</c>) instead of forming
    /// a new one: written by `./stack rebuild` after it added the wiped member back (EtcdMembership). Once the member has
    /// data etcd ignores the setting, so the file may stay.
    /// </summary>
    public static string JoinExistingMarker(Node node, StackContext context) => Path.Combine(context.Paths.DataOf(node.Name), "join-existing-cluster");

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        var environment = new Dictionary<string, string>(ConfigTemplate.ReadEnvFile(Path.Combine(context.Paths.Deploy, "etcd", "etcd.env")), StringComparer.Ordinal)
        {
            ["ETCD_NAME"] = node.Name,
            ["ETCD_DATA_DIR"] = Path.Combine(context.Paths.DataOf(node.Name), "member-data"),
            ["ETCD_LISTEN_CLIENT_URLS"] = ClientUrl(node, context),
            ["ETCD_ADVERTISE_CLIENT_URLS"] = ClientUrl(node, context),
            ["ETCD_LISTEN_PEER_URLS"] = PeerUrl(node, context),
            ["ETCD_INITIAL_ADVERTISE_PEER_URLS"] = PeerUrl(node, context),
            // /metrics and /health only, plain HTTP: Prometheus scrapes it without a client certificate or an etcd user.
            ["ETCD_LISTEN_METRICS_URLS"] = MetricsUrl(node),
            ["ETCD_INITIAL_CLUSTER"] = string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => $"{n.Name}={PeerUrl(n, context)}")),
        };
        foreach (var (key, value) in context.FailureTimeouts.Variables.Where(pair => pair.Key.StartsWith("ETCD_", StringComparison.Ordinal)))
        {
            environment[key] = value;
        }

        if (File.Exists(JoinExistingMarker(node, context)))
        {
            environment["ETCD_INITIAL_CLUSTER_STATE"] = "existing";
        }

        if (context.Tls)
        {
            var certificate = context.Certificates.For(node);
            var ca = context.Certificates.CaCertificateFile;
            environment["ETCD_CERT_FILE"] = certificate.CertificateFile;
            environment["ETCD_KEY_FILE"] = certificate.KeyFile;
            environment["ETCD_TRUSTED_CA_FILE"] = ca;
            environment["ETCD_CLIENT_CERT_AUTH"] = "true";
            // The node's certificate also serves as its client certificate towards the other members.
            environment["ETCD_PEER_CERT_FILE"] = certificate.CertificateFile;
            environment["ETCD_PEER_KEY_FILE"] = certificate.KeyFile;
            environment["ETCD_PEER_TRUSTED_CA_FILE"] = ca;
            environment["ETCD_PEER_CLIENT_CERT_AUTH"] = "true";
            // etcd also wants a peer's source address among its certificate's names, but a peer dials from whatever
            // address its route gives (127.0.0.1 here, another network's or a NAT's in containers). The CA still checks it.
            environment["ETCD_EXPERIMENTAL_PEER_SKIP_CLIENT_SAN_VERIFICATION"] = "true";
        }

        return new LaunchSpec("etcd", []) { Environment = environment };
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var health = await context.ServerHttp.GetAsync(new Uri(ClientUrl(node, context) + "/health"), cancellationToken);
            var body = await health.Content.ReadAsStringAsync(cancellationToken);
            if (!health.IsSuccessStatusCode || !body.Contains("\"true\"", StringComparison.Ordinal))
            {
                return NodeProbe.Down($"/health: {(int)health.StatusCode} {body.Trim()}");
            }

            // Which member leads the Raft group (status needs no authentication).
            using var status = await context.ServerHttp.PostAsync(new Uri(ClientUrl(node, context) + "/v3/maintenance/status"), new StringContent("{}"), cancellationToken);
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

    public static string ClientUrl(Node node, StackContext context) =>
        $"{context.HttpScheme}://{node.Address}:{node.Ports[0].Number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>etcd's metrics listener (ETCD_METRICS_PORT): always plain HTTP, it serves nothing but /metrics and /health.</summary>
    public static string MetricsUrl(Node node) => $"http://{node.Address}:{node.Ports[2].Number.ToString(CultureInfo.InvariantCulture)}";

    public static string PeerUrl(Node node, StackContext context) =>
        $"{context.HttpScheme}://{node.Address}:{node.Ports[1].Number.ToString(CultureInfo.InvariantCulture)}";
}
