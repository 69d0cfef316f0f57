using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Dns;

namespace StatelessApp.StackTests;

[Collection(StackTestGroup.Name)]
public class DnsTests(StackFixture stack)
{
    [Fact]
    public Task The_DNS_server_answers_the_app_name_with_both_regions_proxies() => DnsAnswers.AssertBothProxiesAsync(stack.Topology);

    [Fact]
    public async Task The_DNS_server_does_not_answer_for_other_names()
    {
        var dns = stack.Topology.NodesOf(NodeKind.Dns).Single();

        var addresses = await DnsServer.ResolveAsync(dns, "other." + stack.Topology.Domain, CancellationToken.None);

        Assert.NotNull(addresses);
        Assert.Empty(addresses);
    }
}
