using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Pages.Account;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>Register, sign in and out, on two instances sharing Redis and a primary + standby: what a shopper sees.</summary>
[Collection(SharedShop.Name)]
public sealed class AccountTests(ShopServers servers)
{
    private ShopInstance App1 => servers.App1;
    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Registering_signs_in_and_the_other_instance_shows_the_account_at_once()
    {
        using var shopper = new Shopper();

        var email = await shopper.RegisteredAsync(App1);

        Assert.Equal(email, await shopper.SignedInAsAsync(App2));
        var account = await shopper.On(App2).GetStringAsync("Account"); // read from a standby that has the registration, or the primary
        Assert.Contains(email, account, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_registered_on_one_instance_signs_in_at_once_on_the_other_from_another_browser()
    {
        using var first = new Shopper();
        using var second = new Shopper();
        var email = await first.RegisteredAsync(App1);

        var signedIn = await second.SignInAsync(App2, email);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(email, await second.SignedInAsAsync(App1));
    }

    [Fact]
    public async Task Signing_in_attaches_the_anonymous_orders_and_merges_the_saved_cart()
    {
        using var earlier = new Shopper();
        var email = await earlier.RegisteredAsync(App1);
        await earlier.AddToCartAsync(App1, productId: 3, quantity: 2);
        await earlier.AddToCartAsync(App1, productId: 7, quantity: 98);
        Assert.Equal(HttpStatusCode.Redirect, (await earlier.SignOutAsync(App1)).StatusCode); // the cart is saved to the account
        Assert.Null(await earlier.SignedInAsAsync(App1));
        Assert.Equal(0, (await earlier.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());

        using var browser = new Shopper();
        await browser.AddToCartAsync(App2, productId: 5, quantity: 1);
        var order = await (await browser.On(App2).PostAsJsonAsync("api/checkout", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var orderId = order.GetProperty("id").GetGuid();
        await browser.AddToCartAsync(App2, productId: 3, quantity: 1);
        await browser.AddToCartAsync(App2, productId: 7, quantity: 5);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(App2, email)).StatusCode);

        var orders = await browser.On(App1).GetStringAsync("Orders"); // the other instance, right after the UPDATE
        Assert.Contains(orderId.ToString("N")[^8..], orders, StringComparison.Ordinal);
        var cart = (await browser.GetJsonAsync(App1, "api/cart")).GetProperty("lines").EnumerateArray()
            .ToDictionary(line => line.GetProperty("productId").GetInt32(), line => line.GetProperty("quantity").GetInt32());
        Assert.Equal(new Dictionary<int, int> { [3] = 3, [7] = 99 }, cart); // 1 + 2; 5 + 98 capped at 99

        // Taken, not copied: signing in again elsewhere adds nothing.
        using var third = new Shopper();
        Assert.Equal(HttpStatusCode.Redirect, (await third.SignInAsync(App1, email)).StatusCode);
        Assert.Equal(0, (await third.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Signing_out_an_anonymous_shopper_changes_nothing()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 3, quantity: 1);
        var before = shopper.Cookie(App1, ShopperIdentity.CookieName);

        Assert.Equal(HttpStatusCode.Redirect, (await shopper.SignOutAsync(App2)).StatusCode);

        Assert.Equal(before, shopper.Cookie(App1, ShopperIdentity.CookieName));
        Assert.Equal(1, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task A_changed_password_is_the_only_one_that_signs_in_on_either_instance_at_once()
    {
        using var shopper = new Shopper();
        var email = await shopper.RegisteredAsync(App1);
        const string replacement = "a brand new passphrase";

        var changed = await shopper.ChangePasswordAsync(App1, AccountForms.Password, replacement);

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        using var other = new Shopper();
        Assert.Equal(HttpStatusCode.OK, (await other.SignInAsync(App2, email)).StatusCode); // the old one: refused
        Assert.Equal(HttpStatusCode.Redirect, (await other.SignInAsync(App2, email, replacement)).StatusCode);
        Assert.Equal(email, await shopper.SignedInAsAsync(App2)); // the browser that changed it stays signed in
    }

    [Fact]
    public async Task Account_pages_send_an_anonymous_shopper_to_sign_in_and_back()
    {
        using var shopper = new Shopper();

        var account = await shopper.On(App1).GetAsync("Account");
        var change = await shopper.On(App1).GetAsync("Account/ChangePassword");

        Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
        Assert.Equal("/Account/SignIn?returnUrl=%2FAccount", account.Headers.Location?.OriginalString);
        Assert.Equal("/Account/SignIn?returnUrl=%2FAccount%2FChangePassword", change.Headers.Location?.OriginalString);

        var email = await new Shopper().RegisteredAsync(App2);
        var signedIn = await shopper.SignInAsync(App1, email, returnUrl: "/Account/ChangePassword");
        Assert.Equal("/Account/ChangePassword", signedIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Lockout_is_on_for_new_accounts_and_looks_like_any_other_failure()
    {
        using var shopper = new Shopper();
        var email = await new Shopper().RegisteredAsync(App1);

        for (var attempt = 0; attempt < new AccountOptions().MaxFailedAccessAttempts; attempt++)
        {
            var wrong = await shopper.SignInAsync(attempt % 2 == 0 ? App1 : App2, email, "not the password at all");
            Assert.Contains(SignInModel.Failure, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var right = await shopper.SignInAsync(App2, email);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains(SignInModel.Failure, await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await shopper.SignedInAsAsync(App1));
    }
}
