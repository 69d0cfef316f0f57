using System.Net;
using System.Net.Http.Json;
using System.Text;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The API's writes refuse what another site could make a shopper's browser send with the shopper's cookies
/// (RequireSameOrigin on /api): a foreign Origin or Sec-Fetch-Site, or a POST without JSON.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class CrossSiteRequestTests(ShopServers servers)
{
    private const string Link = "client → app instance (in-process): /api writes";

    private ShopInstance App => servers.App1;

    public static TheoryData<string, string?, string?, string?> CrossSiteCheckouts => new()
    {
        // attempt, Origin, Sec-Fetch-Site, Content-Type of the body
        { "cross-site form POST /api/checkout (urlencoded)", "https://evil.example", "cross-site", "application/x-www-form-urlencoded" },
        { "cross-site fetch POST /api/checkout with a JSON body", "https://evil.example", "cross-site", "application/json" },
        { "POST /api/checkout with a foreign Origin only", "https://evil.example", null, "application/json" },
        { "POST /api/checkout from a sibling subdomain (Sec-Fetch-Site: same-site)", null, "same-site", "application/json" },
        { "POST /api/checkout with Origin: null (sandboxed frame)", "null", null, "application/json" },
        { "POST /api/checkout with the right host on another port", "http://127.0.0.1:1", null, "application/json" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteCheckouts))]
    public async Task A_checkout_another_site_could_trigger_is_403_and_places_nothing(string attempt, string? origin, string? site, string? contentType)
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 3, quantity: 1);

        using var request = Checkout(origin, site, contentType);
        var response = await shopper.On(App).SendAsync(request);

        SecurityAttempts.Record(Link, attempt, $"{(int)response.StatusCode} {response.ReasonPhrase}", response.StatusCode == HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(1, (await shopper.GetJsonAsync(App, "api/cart")).GetProperty("itemCount").GetInt32()); // nothing placed
    }

    [Fact]
    public async Task A_checkout_without_a_body_is_415_and_places_nothing()
    {
        // What a cross-site <form method=post> (text/plain) or a no-CORS fetch sends when it gets past the Origin checks
        // (an old browser sends neither header), and what clients of the API sent before it required JSON.
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 3, quantity: 1);

        var bare = await shopper.On(App).PostAsync("api/checkout", content: null);
        var plain = await shopper.On(App).PostAsync("api/checkout", new StringContent("{}", Encoding.UTF8, "text/plain"));

        SecurityAttempts.Record(Link, "POST /api/checkout without a body, no Origin", $"{(int)bare.StatusCode} {bare.ReasonPhrase}", bare.StatusCode == HttpStatusCode.UnsupportedMediaType);
        SecurityAttempts.Record(Link, "POST /api/checkout as text/plain, no Origin (a form in an old browser)", $"{(int)plain.StatusCode} {plain.ReasonPhrase}", plain.StatusCode == HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(bare, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(plain, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(1, (await shopper.GetJsonAsync(App, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Cross_site_cart_changes_are_refused_too()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 4, quantity: 1);

        using var add = new HttpRequestMessage(HttpMethod.Post, "api/cart/items") { Content = JsonContent.Create(new { productId = 5, quantity = 1 }) };
        add.Headers.Add("Origin", "https://evil.example");
        using var remove = new HttpRequestMessage(HttpMethod.Delete, "api/cart/items/4");
        remove.Headers.Add("Sec-Fetch-Site", "cross-site");

        var added = await shopper.On(App).SendAsync(add);
        var removed = await shopper.On(App).SendAsync(remove);

        SecurityAttempts.Record(Link, "POST /api/cart/items with a foreign Origin", $"{(int)added.StatusCode} {added.ReasonPhrase}", added.StatusCode == HttpStatusCode.Forbidden);
        SecurityAttempts.Record(Link, "DELETE /api/cart/items/4, Sec-Fetch-Site: cross-site", $"{(int)removed.StatusCode} {removed.ReasonPhrase}", removed.StatusCode == HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(added, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(removed, HttpStatusCode.Forbidden);
        var cart = await shopper.GetJsonAsync(App, "api/cart");
        Assert.Equal(4, cart.GetProperty("lines")[0].GetProperty("productId").GetInt32());
        Assert.Equal(1, cart.GetProperty("itemCount").GetInt32());
    }

    [Theory]
    [InlineData(null, null)]              // a non-browser client
    [InlineData("same-origin", "own")]    // the shop's own page
    [InlineData("none", null)]            // typed by the user
    public async Task The_shops_own_pages_and_non_browser_clients_still_check_out(string? site, string? origin)
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 7, quantity: 1);

        using var request = Checkout(origin == "own" ? App.BaseAddress.GetLeftPart(UriPartial.Authority) : origin, site, "application/json");
        var response = await shopper.On(App).SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_body_less_checkout_with_the_header_token_is_accepted()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, productId: 8, quantity: 1);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout");
        request.Headers.Add("X-Requested-With", "fetch");
        var response = await shopper.On(App).SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static HttpRequestMessage Checkout(string? origin, string? site, string? contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout");
        if (contentType is not null)
        {
            request.Content = new StringContent(contentType == "application/json" ? "{}" : "a=b", Encoding.UTF8);
            request.Content.Headers.ContentType = new(contentType);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return request;
    }
}
