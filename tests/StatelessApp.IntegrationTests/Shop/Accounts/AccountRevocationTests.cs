using System.Net;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>
/// "Sign out everywhere" and a password change refuse the account's other cookies on every instance from their next
/// request on; the browser that asked stays signed in; with the Redis copy of the stamp gone the database decides.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class AccountRevocationTests(ShopServers servers)
{
    private ShopInstance App1 => servers.App1;
    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Sign_out_everywhere_refuses_every_other_cookie_on_every_instance()
    {
        using var asking = new Shopper();
        var email = await asking.RegisteredAsync(App1);
        var other = await SignedInCookieAsync(App2, email);

        var revoked = await asking.SignOutEverywhereAsync(App1);

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Contains("Every other browser is signed out.", await asking.On(App2).GetStringAsync("Account"), StringComparison.Ordinal);
        Assert.Null(await WithCookieAsync(App1, other));
        Assert.Null(await WithCookieAsync(App2, other));
        Assert.Equal(email, await asking.SignedInAsAsync(App1));
        Assert.Equal(email, await asking.SignedInAsAsync(App2));
    }

    [Fact]
    public async Task A_password_change_refuses_a_copied_cookie_on_every_instance()
    {
        using var owner = new Shopper();
        var email = await owner.RegisteredAsync(App2);
        var copied = owner.Cookie(App2, ShopperIdentity.CookieName)!;
        Assert.Equal(email, await WithCookieAsync(App1, copied));

        Assert.Equal(HttpStatusCode.Redirect, (await owner.ChangePasswordAsync(App2, AccountForms.Password, "another good passphrase")).StatusCode);

        Assert.Null(await WithCookieAsync(App1, copied));
        Assert.Null(await WithCookieAsync(App2, copied));
        Assert.Equal(email, await owner.SignedInAsAsync(App1));
    }

    [Fact]
    public async Task The_api_sign_out_everywhere_of_an_account_renews_its_security_stamp()
    {
        using var asking = new Shopper();
        var email = await asking.RegisteredAsync(App1);
        var other = await SignedInCookieAsync(App1, email);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/shopper/sign-out-everywhere") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
        var response = await asking.On(App2).SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await WithCookieAsync(App2, other));
        var redis = await servers.Redis.DatabaseAsync();
        await redis.KeyDeleteAsync(AccountForms.ShopperStampKey(await AccountIdAsync(email)));
        Assert.Null(await WithCookieAsync(App1, other)); // the database's stamp changed too
        Assert.Equal(email, await asking.SignedInAsAsync(App1));
    }

    [Fact]
    public async Task With_the_redis_stamp_gone_the_database_stamp_decides()
    {
        using var asking = new Shopper();
        var email = await asking.RegisteredAsync(App1);
        var other = await SignedInCookieAsync(App2, email);
        Assert.Equal(HttpStatusCode.Redirect, (await asking.SignOutEverywhereAsync(App2)).StatusCode);

        var redis = await servers.Redis.DatabaseAsync();
        Assert.True(await redis.KeyDeleteAsync(AccountForms.ShopperStampKey(await AccountIdAsync(email)))); // lost with a Redis primary, say

        Assert.Null(await WithCookieAsync(App1, other));
        Assert.Null(await WithCookieAsync(App2, other));
        Assert.Equal(email, await asking.SignedInAsAsync(App1));
        Assert.Equal(email, await asking.SignedInAsAsync(App2));
    }

    /// <summary>Signs in from a new browser and returns its shopper cookie.</summary>
    private static async Task<string> SignedInCookieAsync(ShopInstance instance, string email)
    {
        using var browser = new Shopper();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(instance, email)).StatusCode);
        return browser.Cookie(instance, ShopperIdentity.CookieName)!;
    }

    /// <summary>Who a fresh browser holding only <paramref name="shopperCookie"/> is signed in as on its next request.</summary>
    private static async Task<string?> WithCookieAsync(ShopInstance instance, string shopperCookie)
    {
        using var browser = new Shopper();
        browser.SetCookie(instance, ShopperIdentity.CookieName, shopperCookie);
        return await browser.SignedInAsAsync(instance);
    }

    private async Task<Guid> AccountIdAsync(string email) =>
        (Guid)(await PostgresCluster.AdminScalarAsync(servers.Postgres.Primary,
            $"SELECT \"Id\" FROM accounts WHERE \"NormalizedEmail\" = '{email.ToUpperInvariant()}'", PostgresCluster.DatabaseName))!;
}
