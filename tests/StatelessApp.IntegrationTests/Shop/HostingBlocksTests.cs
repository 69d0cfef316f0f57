using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>Health endpoints, proxy trust, start-up validation and the migrate command, on the real shop.</summary>
[Collection(SharedShop.Name)]
public sealed class HostingBlocksTests(ShopServers servers)
{
    [Fact]
    public async Task Live_is_plain_healthy_and_ready_lists_every_ready_check_uncached()
    {
        using var shopper = new Shopper();

        var live = await shopper.On(servers.App1).GetAsync("health/live");
        var ready = await shopper.On(servers.App1).GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.ReadJsonAsync()).GetProperty("checks");
        Assert.Equal(["draining", "postgres-primary", "redis"],
            checks.EnumerateObject().Select(check => check.Name).Order(StringComparer.Ordinal));
        Assert.True(ready.Headers.CacheControl?.NoStore);
        Assert.True(live.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Health_probes_get_no_shopper_cookie()
    {
        using var prober = new Shopper();

        await prober.On(servers.App1).GetAsync("health/ready");

        Assert.Empty(prober.Cookies.GetAllCookies());
    }

    [Fact]
    public async Task Cookies_are_Secure_whatever_scheme_a_proxy_forwards()
    {
        var behindProxy = servers.StartInstance("app-proxied", new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "127.0.0.0/8" });

        var trustedSaysHttp = await FirstVisitAsync(behindProxy, "http");
        var untrustedSaysHttp = await FirstVisitAsync(servers.App1, "http"); // trusts no proxy: loopback is not trusted by default here

        // Once X-Forwarded-Proto decided Secure; now every cookie is a __Host- cookie, Secure always.
        Assert.Contains("; secure", trustedSaysHttp, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", untrustedSaysHttp, StringComparison.OrdinalIgnoreCase);

        static async Task<string> FirstVisitAsync(ShopInstance instance, string scheme)
        {
            using var client = new HttpClient(TestTls.Handler()) { BaseAddress = instance.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/products/1");
            request.Headers.Add("X-Forwarded-Proto", scheme);
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ShopperIdentity.CookieName, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Instance:Name", "", "Instance:Name is required")]
    [InlineData("Instance:Region", " ", "Instance:Region is required")]
    [InlineData("Proxy:KnownNetworks:0", "10.0.0.1", "Proxy:KnownNetworks:0 must be a CIDR network")]
    [InlineData("Proxy:KnownProxies:0", "proxy.local", "Proxy:KnownProxies:0 must be an IP address")]
    [InlineData("Proxy:DrainDelay", "00:01:00", "Proxy:DrainDelay (00:01:00) must be shorter than Proxy:DrainTimeout")]
    public void Instance_with_a_bad_setting_refuses_to_start_and_names_it(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() =>
            servers.StartInstance("app-misconfigured", new Dictionary<string, string?> { [key] = value }));

        var validation = Assert.IsType<OptionsValidationException>(error is AggregateException { InnerException: { } inner } ? inner : error);
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_command_is_idempotent_and_leaves_the_seeded_catalogue()
    {
        var again = await ShopServers.MigrateAsync(servers.Postgres.MultiHostConnectionString, servers.Redis.ConnectionString);

        Assert.True(again.ExitCode == 0, again.Output);
        await using var connection = new NpgsqlConnection(servers.Postgres.PrimaryConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM products", connection);
        Assert.Equal(36L, await count.ExecuteScalarAsync());
    }
}
