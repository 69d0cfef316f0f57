using System.Globalization;
using System.Net;
using DnsClient;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>dnsmasq at the witness: answers the app's name with both proxies' addresses (TTL 1 s).</summary>
public sealed class DnsServer : Server
{
    public override NodeKind Kind => NodeKind.Dns;

    // dnsmasq reads this file after dropping root for its own account, so it lives where any account can reach it.
    public static string HostsFile(Node node, StackContext context) => Path.Combine(context.Paths.ServiceAccountDataOf(node.Name), "app.hosts");

    public override void Prepare(Node node, StackContext context)
    {
        context.Paths.CreateServiceAccountFolder(node.Name);
        ConfigTemplate.RenderToFile(Path.Combine(context.Paths.Deploy, "dns", "app.hosts.template"), HostsFile(node, context), context.Topology.Values);
    }

    public override LaunchSpec Launch(Node node, StackContext context) => new("dnsmasq",
    [
        $"--conf-file={Path.Combine(context.Paths.Deploy, "dns", "dnsmasq.conf")}",
        $"--listen-address={node.Address}",
        $"--port={node.Port.ToString(CultureInfo.InvariantCulture)}",
        $"--addn-hosts={HostsFile(node, context)}",
        // No pid file: the controller keeps its own, and two stacks must not share /run/dnsmasq.
        "--pid-file=",
    ]);

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(node, context.Topology.Domain, cancellationToken);
        return addresses is null
            ? NodeProbe.Down("no answer")
            : new NodeProbe(addresses.Count > 0, ServerRole.None, $"{context.Topology.Domain} → {string.Join(", ", addresses)}");
    }

    /// <summary>Asks this DNS server (not the system resolver) for the A records of <paramref name="name"/>; null when it does not answer.</summary>
    public static async Task<IReadOnlyList<IPAddress>?> ResolveAsync(Node node, string name, CancellationToken cancellationToken)
    {
        var client = new LookupClient(new LookupClientOptions(new NameServer(node.Address, node.Port))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(1),
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
        });
        try
        {
            var response = await client.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken);
            return response.HasError ? [] : [.. response.Answers.ARecords().Select(a => a.Address)];
        }
        catch (DnsResponseException)
        {
            return null;
        }
    }
}
