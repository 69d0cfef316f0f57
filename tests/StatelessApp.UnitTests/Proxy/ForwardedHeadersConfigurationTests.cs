using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using StatelessApp.Hosting.Proxy;

namespace StatelessApp.UnitTests.Proxy;

public class ForwardedHeadersConfigurationTests
{
    [Fact]
    public void Default_loopback_trust_is_replaced_by_exactly_the_configured_proxies()
    {
        var forwarded = new ForwardedHeadersOptions();
        Assert.NotEmpty(forwarded.KnownProxies); // the framework trusts loopback by default: that must go

        ProxySupportExtensions.ConfigureForwardedHeaders(forwarded, new ProxyOptions
        {
            KnownProxies = ["127.1.0.10"],
            KnownNetworks = ["127.2.0.0/16"],
        });

        Assert.Equal([IPAddress.Parse("127.1.0.10")], forwarded.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("127.2.0.0/16")], forwarded.KnownIPNetworks);
        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            forwarded.ForwardedHeaders);
    }

    [Fact]
    public void Nothing_configured_trusts_nobody()
    {
        var forwarded = new ForwardedHeadersOptions();

        ProxySupportExtensions.ConfigureForwardedHeaders(forwarded, new ProxyOptions());

        // Empty lists alone would make the middleware trust everyone: nothing configured must apply nothing.
        Assert.Equal(ForwardedHeaders.None, forwarded.ForwardedHeaders);
        Assert.Empty(forwarded.KnownProxies);
        Assert.Empty(forwarded.KnownIPNetworks);
    }
}
