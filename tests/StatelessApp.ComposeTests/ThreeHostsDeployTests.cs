using System.Net;
using StatelessApp.ComposeTests.Fixtures;
using StatelessApp.TestKit.Dns;
using StatelessApp.TestKit.Shop;
using Xunit.Abstractions;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.ComposeTests;

/// <summary>
/// docs/deploy.md's three-host deploy, done by its commands onto three Docker engines reached over SSH
/// (<see cref="ThreeHostsFixture"/>), then docs step 7's checks: both regions healthy at their hosts' public
/// addresses (through nginx, the kind the one-host stack does not run), the witness's DNS answering with both, one
/// shopper's cart and order crossing between the regions.
/// </summary>
[Collection(ThreeHostsGroup.Name)]
public sealed class ThreeHostsDeployTests(ThreeHostsFixture hosts, ITestOutputHelper output) : IAsyncLifetime
{
    private bool _failed = true;

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public async Task Each_region_is_ready_at_its_hosts_public_address(string region)
    {
        using var shopper = hosts.NewShopper();

        using var ready = await shopper.Through(region).GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith($"{region}/", ServedBy(ready), StringComparison.Ordinal);
        Assert.Contains(ready.Headers.Server, product => product.Product?.Name == ThreeHostsFixture.ProxyKind);
        _failed = false;
    }

    [Fact]
    public async Task The_witness_DNS_answers_with_both_region_hosts()
    {
        await DnsAnswers.AssertAnswersAsync(hosts.PublishedDns, hosts.Topology.Domain, [ThreeHostsFixture.Hosts["a"], ThreeHostsFixture.Hosts["b"]]);
        _failed = false;
    }

    [Fact]
    public async Task A_cart_written_through_region_A_is_read_through_region_B()
    {
        using var shopper = hosts.NewShopper();
        await CrossRegionJourneys.CartStartedInAContinuesInBAsync(shopper);
        _failed = false;
    }

    [Fact]
    public async Task An_order_placed_through_region_B_reads_back_through_region_A()
    {
        using var shopper = hosts.NewShopper();
        await CrossRegionJourneys.OrderPlacedInBReadsBackInAAsync(shopper);
        _failed = false;
    }

    /// <summary>The deploy moved etcd's leadership to the witness member; the script, run again, finds it there and does nothing.</summary>
    [Fact]
    public async Task The_witness_etcd_member_leads_after_the_deploy()
    {
        output.WriteLine(string.Join(Environment.NewLine, hosts.Phases));
        Assert.Matches("etcd: (leadership moved from [0-9a-f]+ to etcd-w|etcd-w .* already leads)", hosts.LeaderMove);

        var again = await hosts.MoveLeaderToWitnessAsync();

        Assert.Contains("etcd: etcd-w (", again, StringComparison.Ordinal);
        Assert.Contains(") already leads", again, StringComparison.Ordinal);
        _failed = false;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _failed ? hosts.SaveLogsAsync(DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)) : Task.CompletedTask;
}
