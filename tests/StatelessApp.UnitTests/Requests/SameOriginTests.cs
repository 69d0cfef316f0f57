using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Requests;

namespace StatelessApp.UnitTests.Requests;

public sealed class SameOriginTests
{
    [Theory]
    [InlineData("https", "app.stateless.test:8443", "https://app.stateless.test:8443", true)]
    [InlineData("https", "APP.stateless.test:8443", "https://app.STATELESS.test:8443", true)]
    [InlineData("https", "shop.example.com", "https://shop.example.com:443", true)]
    [InlineData("https", "shop.example.com:443", "https://shop.example.com", true)]
    [InlineData("https", "app.stateless.test:8443", "http://app.stateless.test:8443", false)]   // another scheme
    [InlineData("https", "app.stateless.test:8443", "https://app.stateless.test:9443", false)]  // another port
    [InlineData("https", "app.stateless.test:8443", "https://evil.example", false)]
    [InlineData("https", "app.stateless.test:8443", "https://app.stateless.test.evil.example:8443", false)]
    [InlineData("https", "app.stateless.test:8443", "null", false)]
    [InlineData("https", "app.stateless.test:8443", "https://app.stateless.test:8443/path", false)] // not an origin
    [InlineData("https", "", "https://app.stateless.test:8443", false)]                        // no Host: no origin of its own
    public void An_origin_is_the_requests_own_when_scheme_host_and_port_match(string scheme, string host, string origin, bool own)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = host.Length > 0 ? new HostString(host) : default;

        Assert.Equal(own, SameOriginFilter.IsOwnOrigin(context.Request, origin));
    }
}
