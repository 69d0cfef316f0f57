using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Cookies;

namespace StatelessApp.UnitTests.Cookies;

public sealed class HostCookieTests
{
    [Fact]
    public void Applied_shape_is_a_valid_Host_cookie()
    {
        var cookie = new CookieBuilder { Domain = "example.com", Path = "/shop", SecurePolicy = CookieSecurePolicy.SameAsRequest };

        HostCookie.Apply(cookie, "__Host-Test");

        Assert.Null(HostCookie.Problem(cookie, "Test"));
        Assert.Equal(CookieSecurePolicy.Always, cookie.SecurePolicy);
        Assert.Equal("/", cookie.Path);
        Assert.Null(cookie.Domain);
        Assert.True(cookie.HttpOnly);
    }

    [Theory]
    [InlineData(CookieSecurePolicy.SameAsRequest, "/", null)]
    [InlineData(CookieSecurePolicy.Always, "/app", null)]
    [InlineData(CookieSecurePolicy.Always, "/", "example.com")]
    public void Host_cookie_without_Secure_root_path_or_with_a_domain_is_refused_naming_the_setting(CookieSecurePolicy secure, string path, string? domain)
    {
        var cookie = new CookieBuilder { Name = "__Host-Test", SecurePolicy = secure, Path = path, Domain = domain };

        Assert.Contains("AntiforgeryOptions.Cookie is a __Host- cookie", HostCookie.Problem(cookie, "AntiforgeryOptions.Cookie"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".AspNetCore.Antiforgery.x")]
    [InlineData("__Secure-Test")]
    [InlineData("__host-Test")]
    [InlineData("__Host-")]
    [InlineData("__Host-bad;name")]
    [InlineData(null)]
    public void Name_without_the_exact_prefix_or_not_a_token_is_refused_naming_the_setting(string? name) =>
        Assert.StartsWith("Some:Setting must", HostCookie.Problem(name, "Some:Setting"), StringComparison.Ordinal);

    [Fact]
    public void Handwritten_cookie_options_are_Secure_root_and_domainless() =>
        Assert.Equal((true, "/", null, true), (HostCookie.Options().Secure, HostCookie.Options().Path, HostCookie.Options().Domain, HostCookie.Options().HttpOnly));
}
