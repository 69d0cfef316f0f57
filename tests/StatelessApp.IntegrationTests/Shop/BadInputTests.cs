using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Sessions;
using StatelessApp.TestKit.Security;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>Whatever a client sends, the answer is a deliberate status with ProblemDetails, never a 500.</summary>
[Collection(SharedShop.Name)]
public sealed class BadInputTests(ShopServers servers)
{
    private ShopInstance App => servers.App1;

    public static TheoryData<string, string> BrokenCookies => new()
    {
        { "__Host-StatelessApp.Session", "garbage" },
        { "__Host-StatelessApp.Session", "CfDJ8" + new string('A', 300) },             // looks protected, is not
        { "__Host-StatelessApp.Session", new string('x', 3500) },                       // oversized
        { ShopperIdentity.CookieName, "garbage" },
        { ShopperIdentity.CookieName, "CfDJ8" + new string('B', 3000) },
        { AntiforgeryCookie.Name, "%%%" },
    };

    [Theory]
    [MemberData(nameof(BrokenCookies))]
    public async Task Tampered_garbage_or_oversized_cookie_gets_a_fresh_session(string name, string value)
    {
        using var shopper = new Shopper();
        shopper.SetCookie(App, name, value);

        var cart = await shopper.On(App).GetAsync("api/cart");
        var page = await shopper.On(App).GetAsync("Cart");

        SecurityAttempts.Record(CookieLink, $"{name} = {Describe(value)}", $"{(int)cart.StatusCode}, a fresh empty session", cart.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
        Assert.Equal(0, (await cart.ReadJsonAsync()).GetProperty("itemCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await shopper.AddToCartAsync(App, 1, 1); // and the fresh session works
    }

    [Fact]
    public async Task A_session_cookie_protected_with_another_key_ring_gets_a_fresh_session()
    {
        // A well-formed cookie, really protected, but by keys this app never had (another deployment, a forger's own ring).
        var foreign = new SessionCookieProtector(new EphemeralDataProtectionProvider()).Protect(SessionCookieProtector.NewId());
        using var shopper = new Shopper();
        shopper.SetCookie(App, new RedisSessionOptions().CookieName, foreign);

        var cart = await shopper.On(App).GetAsync("api/cart");

        var fresh = cart.StatusCode == HttpStatusCode.OK && (await cart.ReadJsonAsync()).GetProperty("itemCount").GetInt32() == 0;
        SecurityAttempts.Record(CookieLink, "session cookie protected with another key ring", $"{(int)cart.StatusCode}, a fresh empty session", fresh);
        Assert.True(fresh);
        await shopper.AddToCartAsync(App, 1, 1);
    }

    [Fact]
    public async Task Three_hundred_cookies_are_ignored_not_a_5xx()
    {
        using var shopper = new Shopper();
        for (var i = 0; i < 300; i++)
        {
            shopper.SetCookie(App, $"c{i}", "v");
        }

        var cart = await shopper.On(App).GetAsync("api/cart");

        SecurityAttempts.Record(CookieLink, "300 cookies in one request", $"{(int)cart.StatusCode}, cookies ignored", cart.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
    }

    private const string CookieLink = "client → app instance (in-process): cookies";

    private static string Describe(string value) => value.Length <= 16 ? $"\"{value}\"" : $"\"{value[..8]}…\" ({value.Length} chars)";

    [Fact]
    public async Task Tampered_session_cookie_does_not_reach_another_shoppers_cart()
    {
        using var victim = new Shopper();
        await victim.AddToCartAsync(App, 12, 2);
        var sessionCookie = victim.Cookies.GetAllCookies().First(c => c.Name.Contains("Session", StringComparison.Ordinal));
        var chars = sessionCookie.Value.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'B' : 'A';

        using var attacker = new Shopper();
        attacker.SetCookie(App, sessionCookie.Name, new string(chars));
        var cart = await attacker.GetJsonAsync(App, "api/cart");

        Assert.Equal(0, cart.GetProperty("itemCount").GetInt32());
    }

    [Theory]
    [InlineData("{\"productId\": 1, \"quantity\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"productId\": \"one\", \"quantity\": 1}")]
    [InlineData("[1, 2]")]
    public async Task Malformed_json_is_400_problem(string body)
    {
        using var shopper = new Shopper();

        var response = await shopper.On(App).PostAsync("api/cart/items",
            new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Oversized_body_is_413_problem()
    {
        using var shopper = new Shopper();
        var huge = "{\"productId\": 1, \"quantity\": 1, \"padding\": \"" + new string('x', 200 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/cart/items")
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
        };
        // Refused before it is read, as the form post below: without 100-continue the server's close can reach the
        // client while it still writes, and the 413 is lost to a reset ("Error while copying content", once in CI).
        request.Headers.ExpectContinue = true;

        var response = await shopper.On(App).SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Oversized_chunked_body_without_length_is_413_problem()
    {
        using var shopper = new Shopper();
        var huge = Encoding.UTF8.GetBytes("{\"productId\": 1, \"quantity\": 1, \"padding\": \"" + new string('x', 200 * 1024) + "\"}");
        using var content = new StreamContent(new MemoryStream(huge));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/cart/items") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await shopper.On(App).SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Oversized_form_post_is_413_problem()
    {
        using var shopper = new Shopper();
        var token = Shopper.AntiforgeryToken(await shopper.On(App).GetStringAsync(""));

        using var request = new HttpRequestMessage(HttpMethod.Post, "?handler=Add")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["productId"] = "1",
                ["quantity"] = "1",
                ["__RequestVerificationToken"] = token,
                ["padding"] = new string('x', 100 * 1024),
            }),
        };
        // The answer comes before the body is read: without 100-continue the client may still be writing the body when
        // the server closes, and over TLS that surfaces as a reset instead of the 413 (seen once in a full run).
        request.Headers.ExpectContinue = true;
        var response = await shopper.On(App).SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unknown_product_is_404_problem()
    {
        using var shopper = new Shopper();

        var get = await shopper.On(App).GetAsync("api/products/999999");
        var add = await shopper.On(App).PostAsJsonAsync("api/cart/items", new { productId = 999999, quantity = 1 });

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(add, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(1, 0, "quantity")]
    [InlineData(1, 100, "quantity")]
    [InlineData(1, -3, "quantity")]
    [InlineData(0, 1, "productId")]
    [InlineData(-1, 1, "productId")]
    public async Task Invalid_input_is_400_validation_problem_naming_the_field(int productId, int quantity, string field)
    {
        using var shopper = new Shopper();

        var response = await shopper.On(App).PostAsJsonAsync("api/cart/items", new { productId, quantity });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Checkout_with_an_empty_cart_is_400_problem()
    {
        using var shopper = new Shopper();

        var response = await shopper.On(App).PostAsJsonAsync("api/checkout", new { });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cart", out _));
    }

    [Fact]
    public async Task Unknown_route_and_unknown_order_are_404_problem()
    {
        using var shopper = new Shopper();

        await ProblemAssert.IsProblemAsync(await shopper.On(App).GetAsync("api/nothing-here"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await shopper.On(App).GetAsync($"api/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }
}
