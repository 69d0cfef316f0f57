using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.TestKit.Dns;

/// <summary>What a stack's DNS server must answer, checked the same way on the local stack and the compose stack.</summary>
public static class DnsAnswers
{
    /// <summary>The app's name resolves to both regions' proxies, and to nothing else.</summary>
    public static async Task AssertBothProxiesAsync(StackTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var dns = topology.NodesOf(NodeKind.Dns).Single();

        var addresses = await DnsServer.ResolveAsync(dns, topology.Domain, CancellationToken.None);

        Assert.NotNull(addresses);
        Assert.Equal(
            topology.NodesOf(NodeKind.Proxy).Select(p => p.Address.ToString()).Order(StringComparer.Ordinal),
            addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal));
    }
}
