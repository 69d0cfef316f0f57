using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>Every answer carries the browser hardening headers and no Server header (a foreign Host: HostileRequestTests).</summary>
[Collection(SharedShop.Name)]
public sealed class ResponseHeaderTests(ShopServers servers)
{
    private ShopInstance App => servers.App1;

    [Fact]
    public async Task Pages_api_answers_and_error_answers_all_carry_the_security_headers_and_no_Server_header()
    {
        using var shopper = new Shopper();
        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await shopper.On(App).GetAsync(""),
            ["css"] = await shopper.On(App).GetAsync("css/site.css"),
            ["api"] = await shopper.On(App).GetAsync("api/products"),
            ["404"] = await shopper.On(App).GetAsync("no-such-page"),
            ["400"] = await shopper.On(App).PostAsync("api/cart/items", new StringContent("{", Encoding.UTF8, "application/json")),
            ["413"] = await shopper.On(App).PostAsJsonAsync("api/cart/items", new { padding = new string('x', 100 * 1024) }),
            ["health"] = await shopper.On(App).GetAsync("health/live"),
        };

        foreach (var (kind, response) in answers)
        {
            Assert.False(response.Headers.Contains("Server"), $"{kind}: Server: {string.Join(",", response.Headers.TryGetValues("Server", out var server) ? server : [])}");
            Assert.Equal("default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
                Header(response, "Content-Security-Policy"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        }
    }

    [Fact]
    public async Task The_pages_need_nothing_the_policy_forbids()
    {
        // default-src 'self' without 'unsafe-inline': an inline script, style attribute or event handler would stop working.
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 1, quantity: 1);
        foreach (var path in new[] { "", "Cart", "Checkout", "Orders", "Status" })
        {
            var html = await shopper.On(App).GetStringAsync(path);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html); // no event handler attribute
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
