using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Cookies;
using StatelessApp.TestKit.Security;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The shop's cookies cannot be planted or replayed: <c>__Host-</c> and Secure, the shopper cookie revocable on every
/// instance, the cart's session bound to its shopper and regenerated at checkout. Two instances, one Redis.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class CookieSecurityTests(ShopServers servers)
{
    private const string SessionCookie = "__Host-StatelessApp.Session";

    private ShopInstance App1 => servers.App1;

    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Every_cookie_is_a_Host_cookie_Secure_HttpOnly_with_path_root_and_no_domain()
    {
        using var shopper = new Shopper();
        var page = await shopper.On(App1).GetAsync(""); // a form: antiforgery cookie, and the shopper's first visit
        var added = await shopper.On(App1).PostAsync("api/cart/items", JsonContent(1, 1));

        var setCookies = SetCookies(page).Concat(SetCookies(added)).ToList();
        foreach (var name in new[] { ShopperIdentity.CookieName, SessionCookie, AntiforgeryCookie.Name })
        {
            var cookie = Assert.Single(setCookies, c => c.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.StartsWith("__Host-", cookie, StringComparison.Ordinal);
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Shopper_cookie_ends_30_days_after_its_issue_and_use_does_not_extend_it()
    {
        using var shopper = new Shopper();
        var before = DateTimeOffset.UtcNow;

        var first = await shopper.On(App1).GetAsync("api/cart");
        var second = await shopper.On(App2).GetAsync("api/cart");

        var cookie = Assert.Single(SetCookies(first), c => c.StartsWith(ShopperIdentity.CookieName + "=", StringComparison.Ordinal));
        var expires = DateTimeOffset.Parse(cookie.Split("expires=", 2)[1].Split(';')[0], CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddDays(30).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(1));
        Assert.DoesNotContain(SetCookies(second), c => c.StartsWith(ShopperIdentity.CookieName, StringComparison.Ordinal)); // not sliding
    }

    [Fact]
    public async Task Shopper_cookie_revoked_through_one_instance_is_refused_by_every_instance()
    {
        using var victim = new Shopper();
        await victim.AddToCartAsync(App1, 1, 2);
        using var thief = new Shopper(); // a copy of both cookies, taken before the revocation
        thief.SetCookie(App2, ShopperIdentity.CookieName, victim.Cookie(App1, ShopperIdentity.CookieName)!);
        thief.SetCookie(App2, SessionCookie, victim.Cookie(App1, SessionCookie)!);
        Assert.Equal(2, (await thief.GetJsonAsync(App2, "api/cart")).GetProperty("itemCount").GetInt32()); // the copy works, for now
        var stolen = thief.Cookie(App2, ShopperIdentity.CookieName)!;

        var revoked = await victim.On(App1).PostAsJsonAsync("api/shopper/sign-out-everywhere", new { });

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.NotEqual(stolen, victim.Cookie(App1, ShopperIdentity.CookieName)); // re-issued with the new stamp
        foreach (var instance in new[] { App2, App1 })
        {
            using var replay = new Shopper();
            replay.SetCookie(instance, ShopperIdentity.CookieName, stolen);
            replay.SetCookie(instance, SessionCookie, thief.Cookie(App2, SessionCookie)!);
            var cart = await replay.On(instance).GetAsync("api/cart");
            var items = (await cart.ReadJsonAsync()).GetProperty("itemCount").GetInt32();
            var reissued = replay.Cookie(instance, ShopperIdentity.CookieName) != stolen;
            SecurityAttempts.Record($"browser → {instance.Name}", "a copied shopper cookie replayed after sign-out-everywhere (revoked through app-1)",
                $"{(int)cart.StatusCode}, cart of {items} items, {(reissued ? "a new anonymous shopper cookie" : "the same shopper")}", items == 0 && reissued);
            Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
            Assert.Equal(0, items);
            Assert.True(reissued);
        }

        // The victim carries on, on either instance, with the cart bound to the same shopper id.
        Assert.Equal(2, (await victim.GetJsonAsync(App2, "api/cart")).GetProperty("itemCount").GetInt32());
        Assert.Equal(2, (await victim.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Shopper_cookie_with_a_stamp_that_is_not_current_or_a_changed_byte_is_refused()
    {
        var shopperId = Guid.NewGuid().ToString("N");
        var attempts = new Dictionary<string, string>
        {
            ["a shopper cookie sealed with a stamp that was never current (as if forged with the key ring)"] = Seal(shopperId, "forged"),
            ["a shopper cookie sealed without a stamp (as if forged with the key ring)"] = Seal(shopperId, stamp: null),
            ["a byte of a genuine shopper cookie (its sealed stamp) changed"] = Tamper(Seal(shopperId, ShopperStampsInitial)),
        };
        foreach (var (attempt, value) in attempts)
        {
            using var browser = new Shopper();
            browser.SetCookie(App1, ShopperIdentity.CookieName, value);

            var response = await browser.On(App1).GetAsync("api/orders");

            var refused = response.StatusCode == HttpStatusCode.OK && browser.Cookie(App1, ShopperIdentity.CookieName) != value;
            SecurityAttempts.Record("browser → app-1", attempt, $"{(int)response.StatusCode}, {(refused ? "a new anonymous shopper cookie" : "accepted")}", refused);
            Assert.True(refused, attempt);
        }

        // The control: the same seal with the current stamp is accepted.
        using var genuine = new Shopper();
        var control = Seal(shopperId, ShopperStampsInitial);
        genuine.SetCookie(App1, ShopperIdentity.CookieName, control);
        Assert.Equal(HttpStatusCode.OK, (await genuine.On(App1).GetAsync("api/orders")).StatusCode);
        Assert.Equal(control, genuine.Cookie(App1, ShopperIdentity.CookieName));
    }

    [Fact]
    public async Task Session_cookie_planted_in_another_shoppers_browser_is_refused()
    {
        using var attacker = new Shopper();
        await attacker.AddToCartAsync(App1, 1, 3);
        using var victim = new Shopper();
        await victim.GetJsonAsync(App1, "api/cart"); // the victim's own shopper cookie
        victim.SetCookie(App2, SessionCookie, attacker.Cookie(App1, SessionCookie)!);

        var cart = await victim.GetJsonAsync(App2, "api/cart");
        await victim.AddToCartAsync(App2, 2, 1);

        var items = cart.GetProperty("itemCount").GetInt32();
        SecurityAttempts.Record("browser → app-2", "the attacker's session cookie planted in a victim's browser (another shopper)",
            $"200, the victim sees a cart of {items} items and gets a session of his own", items == 0);
        Assert.Equal(0, items);
        Assert.NotEqual(attacker.Cookie(App1, SessionCookie), victim.Cookie(App2, SessionCookie));
        Assert.Equal(3, (await attacker.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32()); // untouched
    }

    [Fact]
    public async Task Checkout_gives_the_session_a_new_id_and_the_old_one_is_refused()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, 1, 1);
        await shopper.AddToCartAsync(App1, 2, 1);
        var before = shopper.Cookie(App1, SessionCookie)!;

        var checkout = await shopper.On(App1).PostAsJsonAsync("api/checkout", new { });
        await shopper.AddToCartAsync(App2, 3, 1); // the next cart

        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        Assert.NotEqual(before, shopper.Cookie(App2, SessionCookie));
        using var replay = new Shopper(); // same shopper, the session cookie from before the order
        replay.SetCookie(App2, ShopperIdentity.CookieName, shopper.Cookie(App1, ShopperIdentity.CookieName)!);
        replay.SetCookie(App2, SessionCookie, before);
        var cart = await replay.GetJsonAsync(App2, "api/cart");
        var items = cart.GetProperty("itemCount").GetInt32();
        SecurityAttempts.Record("browser → app-2", "the session cookie from before a checkout, replayed with the same shopper cookie",
            $"200, a cart of {items} items (the old id is deleted)", items == 0);
        Assert.Equal(0, items);
        Assert.Equal(1, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32()); // the new one lives on
    }

    private const string ShopperStampsInitial = ShopperStamps.Initial;

    /// <summary>A shopper cookie as the app seals it (the shared key ring), with claims of the test's choosing.</summary>
    private string Seal(string shopperId, string? stamp)
    {
        var options = App1.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var claims = new List<Claim> { new(ShopperIdentity.ShopperIdClaim, shopperId) };
        if (stamp is not null)
        {
            claims.Add(new Claim(ShopperIdentity.StampClaim, stamp));
        }

        var now = DateTimeOffset.UtcNow;
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)),
            new AuthenticationProperties { IsPersistent = true, IssuedUtc = now, ExpiresUtc = now.AddDays(1) },
            CookieAuthenticationDefaults.AuthenticationScheme);
        return options.TicketDataFormat.Protect(ticket);
    }

    private static string Tamper(string cookie)
    {
        var middle = cookie.Length / 2;
        return cookie[..middle] + (cookie[middle] == 'A' ? 'B' : 'A') + cookie[(middle + 1)..];
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static StringContent JsonContent(int productId, int quantity) =>
        new($$"""{"productId":{{productId}},"quantity":{{quantity}}}""", System.Text.Encoding.UTF8, "application/json");
}
