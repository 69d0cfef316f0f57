using System.Net;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Sessions;
using StatelessApp.TestKit.Security;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>
/// Signing in rotates what an attacker could have planted or seen before it: the session id (the cart carries over
/// under a new one) and the antiforgery tokens (every token minted before is refused after).
/// </summary>
[Collection(SharedShop.Name)]
public sealed class SignInRotationTests(ShopServers servers)
{
    private const string Link = "browser → app instance (in-process): sign-in";

    private ShopInstance App1 => servers.App1;
    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Signing_in_gives_the_session_a_new_id_and_the_old_id_names_nothing()
    {
        var email = await new Shopper().RegisteredAsync(App2);
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 3, quantity: 2);
        var sessionCookie = new RedisSessionOptions().CookieName;
        var before = shopper.Cookie(App1, sessionCookie);

        Assert.Equal(HttpStatusCode.Redirect, (await shopper.SignInAsync(App1, email)).StatusCode);

        var after = shopper.Cookie(App1, sessionCookie);
        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.NotEqual(before, after);
        Assert.Equal(2, (await shopper.GetJsonAsync(App2, "api/cart")).GetProperty("itemCount").GetInt32()); // the cart came along

        // The id seen before sign-in (planted, leaked), presented with the account's cookie: a new, empty session.
        using var planted = new Shopper();
        planted.SetCookie(App1, ShopperIdentity.CookieName, shopper.Cookie(App1, ShopperIdentity.CookieName)!);
        planted.SetCookie(App1, sessionCookie, before);
        var cart = await planted.GetJsonAsync(App1, "api/cart");
        SecurityAttempts.Record(Link, "session id from before sign-in, replayed with the account's cookie", $"itemCount {cart.GetProperty("itemCount")}",
            cart.GetProperty("itemCount").GetInt32() == 0);
        Assert.Equal(0, cart.GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Antiforgery_tokens_minted_before_sign_in_are_refused_after_it()
    {
        var email = await new Shopper().RegisteredAsync(App2);
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 4, quantity: 1);
        var oldToken = Shopper.AntiforgeryToken(await shopper.On(App1).GetStringAsync("Cart"));
        var oldCookie = shopper.Cookie(App1, AntiforgeryCookie.Name);
        Assert.NotNull(oldCookie);

        var signedIn = await shopper.SignInAsync(App1, email);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Null(shopper.Cookie(App1, AntiforgeryCookie.Name)); // dropped by the sign-in's answer

        // The new page mints a new cookie token; the old form token is refused with it, and with the old cookie put back.
        var newToken = Shopper.AntiforgeryToken(await shopper.On(App2).GetStringAsync("Cart"));
        var newCookie = shopper.Cookie(App1, AntiforgeryCookie.Name);
        Assert.NotNull(newCookie);
        Assert.NotEqual(oldCookie, newCookie);
        var withNewCookie = await UpdateQuantityAsync(shopper, App2, oldToken);
        shopper.SetCookie(App1, AntiforgeryCookie.Name, oldCookie);
        var withOldCookie = await UpdateQuantityAsync(shopper, App1, oldToken);
        shopper.SetCookie(App1, AntiforgeryCookie.Name, newCookie);
        var fresh = await UpdateQuantityAsync(shopper, App1, newToken);

        SecurityAttempts.Record(Link, "form token minted before sign-in, posted after it (new antiforgery cookie)",
            $"{(int)withNewCookie.StatusCode} {withNewCookie.ReasonPhrase}", withNewCookie.StatusCode == HttpStatusCode.BadRequest);
        SecurityAttempts.Record(Link, "form token + antiforgery cookie from before sign-in, posted after it",
            $"{(int)withOldCookie.StatusCode} {withOldCookie.ReasonPhrase}", withOldCookie.StatusCode == HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, withNewCookie.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withOldCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        Assert.Equal(3, (await shopper.GetJsonAsync(App2, "api/cart")).GetProperty("itemCount").GetInt32()); // only the fresh form took
    }

    private static Task<HttpResponseMessage> UpdateQuantityAsync(Shopper shopper, ShopInstance instance, string token) =>
        shopper.On(instance).PostAsync("Cart?handler=Update", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["productId"] = "4",
            ["quantity"] = "3",
            ["__RequestVerificationToken"] = token,
        }));
}
