using StatelessApp.Hosting.Proxy;

namespace StatelessApp.UnitTests.Proxy;

public class ProxyOptionsValidatorTests
{
    private readonly ProxyOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid_and_trust_nobody()
    {
        var options = new ProxyOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Empty(options.KnownProxies);
        Assert.Empty(options.KnownNetworks);
    }

    [Fact]
    public void Addresses_and_networks_of_both_families_are_valid()
    {
        var options = new ProxyOptions
        {
            KnownProxies = ["127.1.0.10", "::1"],
            KnownNetworks = ["127.0.0.0/8", "fd00::/8"],
        };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.0/8")]
    [InlineData("300.1.1.1")]
    public void Known_proxy_that_is_not_an_address_is_named(string value)
    {
        var result = _validator.Validate(null, new ProxyOptions { KnownProxies = ["127.0.0.1", value] });

        Assert.True(result.Failed);
        Assert.Contains("Proxy:KnownProxies:1 must be an IP address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/33")]
    [InlineData("127.0.0.1/8")]
    [InlineData("net")]
    public void Known_network_that_is_not_cidr_is_named(string value)
    {
        var result = _validator.Validate(null, new ProxyOptions { KnownNetworks = [value] });

        Assert.True(result.Failed);
        Assert.Contains("Proxy:KnownNetworks:0 must be a CIDR network", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Drain_timeout_must_be_positive()
    {
        var result = _validator.Validate(null, new ProxyOptions { DrainTimeout = TimeSpan.Zero, DrainDelay = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Contains("Proxy:DrainTimeout must be positive", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Drain_delay_must_leave_time_for_in_flight_requests()
    {
        var result = _validator.Validate(null, new ProxyOptions
        {
            DrainDelay = TimeSpan.FromSeconds(10),
            DrainTimeout = TimeSpan.FromSeconds(10),
        });

        Assert.True(result.Failed);
        Assert.Contains("Proxy:DrainDelay (00:00:10) must be shorter than Proxy:DrainTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_drain_delay_is_refused()
    {
        var result = _validator.Validate(null, new ProxyOptions { DrainDelay = TimeSpan.FromSeconds(-1) });

        Assert.True(result.Failed);
        Assert.Contains("Proxy:DrainDelay must not be negative", result.FailureMessage, StringComparison.Ordinal);
    }
}
