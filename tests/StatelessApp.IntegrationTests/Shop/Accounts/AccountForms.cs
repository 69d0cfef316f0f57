using System.Net;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>The account pages driven as a browser does: GET the form (its antiforgery token), POST it back.</summary>
internal static class AccountForms
{
    public const string Password = "correct horse battery";

    public static string NewEmail() => $"shopper-{Guid.NewGuid():N}@example.test";

    public static Task<HttpResponseMessage> RegisterAsync(this Shopper shopper, ShopInstance instance, string email, string password = Password) =>
        shopper.SubmitAsync(instance, "Account/Register", new() { ["Email"] = email, ["Password"] = password });

    public static Task<HttpResponseMessage> SignInAsync(this Shopper shopper, ShopInstance instance, string email, string password = Password,
        string? returnUrl = null) =>
        shopper.SubmitAsync(instance, returnUrl is null ? "Account/SignIn" : $"Account/SignIn?returnUrl={Uri.EscapeDataString(returnUrl)}",
            new() { ["Email"] = email, ["Password"] = password });

    public static Task<HttpResponseMessage> SignOutAsync(this Shopper shopper, ShopInstance instance) =>
        shopper.SubmitAsync(instance, "", new(), action: "Account/SignOut");

    public static Task<HttpResponseMessage> SignOutEverywhereAsync(this Shopper shopper, ShopInstance instance) =>
        shopper.SubmitAsync(instance, "Account", new(), action: "Account?handler=SignOutEverywhere");

    public static Task<HttpResponseMessage> ChangePasswordAsync(this Shopper shopper, ShopInstance instance, string current, string replacement) =>
        shopper.SubmitAsync(instance, "Account/ChangePassword", new() { ["CurrentPassword"] = current, ["NewPassword"] = replacement });

    /// <summary>Registers and checks the redirect home: the browser is signed in.</summary>
    public static async Task<string> RegisteredAsync(this Shopper shopper, ShopInstance instance)
    {
        var email = NewEmail();
        var response = await shopper.RegisterAsync(instance, email);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"register: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return email;
    }

    /// <summary>The email the header shows as signed in, or null when it offers "Sign in".</summary>
    public static async Task<string?> SignedInAsAsync(this Shopper shopper, ShopInstance instance)
    {
        var page = await shopper.On(instance).GetStringAsync("Cart");
        var start = page.IndexOf("Signed in as ", StringComparison.Ordinal);
        if (start < 0)
        {
            Assert.Contains(">Sign in</a>", page, StringComparison.Ordinal);
            return null;
        }

        start += "Signed in as ".Length;
        return WebUtility.HtmlDecode(page[start..page.IndexOf('<', start)]);
    }

    /// <summary>GETs <paramref name="page"/> for its form's token, then POSTs the fields to <paramref name="action"/> (default: the page).</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this Shopper shopper, ShopInstance instance, string page,
        Dictionary<string, string> fields, string? action = null)
    {
        var html = await shopper.On(instance).GetStringAsync(page);
        fields["__RequestVerificationToken"] = Shopper.AntiforgeryToken(html);
        return await shopper.On(instance).PostAsync(action ?? page, new FormUrlEncodedContent(fields));
    }

    public static string ShopperStampKey(Guid accountId) => ShopperStamps.KeyPrefix + accountId.ToString("N");
}
