using System.Net;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Operators;

namespace StatelessApp.UnitTests.Operators;

public sealed class OperatorNetworksTests
{
    private readonly OperatorOptionsValidator _validator = new();

    [Fact]
    public void Unset_means_loopback_of_both_families()
    {
        var operators = new OperatorNetworks(Options.Create(new OperatorOptions()));

        Assert.True(_validator.Validate(null, new OperatorOptions()).Succeeded);
        Assert.True(operators.Contains(IPAddress.Parse("127.0.0.1")));
        Assert.True(operators.Contains(IPAddress.Parse("127.9.8.7")));
        Assert.True(operators.Contains(IPAddress.IPv6Loopback));
        Assert.False(operators.Contains(IPAddress.Parse("10.0.0.1")));
        Assert.False(operators.Contains(IPAddress.Parse("::2")));
    }

    [Fact]
    public void Configured_networks_replace_loopback_and_IPv4_mapped_clients_match_IPv4_networks()
    {
        var operators = new OperatorNetworks(Options.Create(new OperatorOptions { Networks = ["10.9.0.0/16"] }));

        Assert.True(operators.Contains(IPAddress.Parse("10.9.200.1")));
        Assert.True(operators.Contains(IPAddress.Parse("10.9.200.1").MapToIPv6()));
        Assert.False(operators.Contains(IPAddress.Parse("127.0.0.1")));
        Assert.False(operators.Contains(null));
    }

    [Theory]
    [InlineData("10.9.0.1/16")]   // host bits set: a typo for one address or another network
    [InlineData("10.9.0.0")]
    [InlineData("operators")]
    public void A_network_that_is_not_CIDR_is_named(string value)
    {
        var result = _validator.Validate(null, new OperatorOptions { Networks = ["127.0.0.0/8", value] });

        Assert.True(result.Failed);
        Assert.Contains("Operators:Networks:1 must be a CIDR network", result.FailureMessage, StringComparison.Ordinal);
    }
}
