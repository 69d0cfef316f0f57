using System.Net;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.TestKit.Dns;

/// <summary>What a stack's DNS server must answer, checked the same way on the local stack and the compose stack.</summary>
public static class DnsAnswers
{
    /// <summary>The app's name resolves to both regions' proxies, and to nothing else.</summary>
    public static Task AssertBothProxiesAsync(StackTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return AssertAnswersAsync(topology.NodesOf(NodeKind.Dns).Single(), topology.Domain, topology.NodesOf(NodeKind.Proxy).Select(p => p.Address));
    }

    /// <summary>The DNS server <paramref name="dns"/> answers <paramref name="name"/> with exactly <paramref name="expected"/>.</summary>
    public static async Task AssertAnswersAsync(Node dns, string name, IEnumerable<IPAddress> expected)
    {
        var addresses = await DnsServer.ResolveAsync(dns, name, CancellationToken.None);

        Assert.NotNull(addresses);
        Assert.Equal(
            expected.Select(a => a.ToString()).Order(StringComparer.Ordinal),
            addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal));
    }
}
