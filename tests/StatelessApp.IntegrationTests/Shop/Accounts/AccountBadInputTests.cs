using System.Net;
using StatelessApp.TestKit.Security;
using StatelessApp.Web.Pages.Account;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>
/// Bad input on the account pages: the form again with the problem (no account created), one failure text for every
/// failed sign-in (nothing tells whether an email has an account), local redirects only, forms without a token refused.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class AccountBadInputTests(ShopServers servers)
{
    private const string Link = "browser → app instance (in-process): account pages";

    private ShopInstance App => servers.App1;

    public static TheoryData<string, string, string> UnusableRegistrations => new()
    {
        // what, email, password
        { "a password under 12 characters", "short@example.test", "too short" },
        { "a malformed email", "not-an-email", AccountForms.Password },
        { "an empty email", "", AccountForms.Password },
        { "a 300-character email", new string('a', 290) + "@example.test", AccountForms.Password },
        { "a 129-character password", "long@example.test", new string('p', 129) },
    };

    [Theory]
    [MemberData(nameof(UnusableRegistrations))]
    public async Task An_unusable_registration_shows_the_form_again_and_creates_nothing(string what, string email, string password)
    {
        using var shopper = new Shopper();

        var response = await shopper.RegisterAsync(App, email, password);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode}");
        Assert.Contains("field-validation-error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await shopper.SignedInAsAsync(App));
    }

    [Fact]
    public async Task A_taken_email_is_refused_without_touching_its_account()
    {
        var email = await new Shopper().RegisteredAsync(App);
        using var shopper = new Shopper();

        var again = await shopper.RegisterAsync(App, email.ToUpperInvariant(), "someone else's password");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(RegisterModel.EmailUnavailable), await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await shopper.SignedInAsAsync(App));
        Assert.Equal(HttpStatusCode.Redirect, (await shopper.SignInAsync(App, email)).StatusCode); // the first password still holds
    }

    [Fact]
    public async Task Every_failed_sign_in_answers_the_same_page_whether_or_not_the_email_has_an_account()
    {
        var email = await new Shopper().RegisteredAsync(App);
        var attempts = new (string What, string Email, string Password)[]
        {
            ("an email without an account", AccountForms.NewEmail(), AccountForms.Password),
            ("an account's email, wrong password", email, "wrong password here"),
            ("a malformed email", "nobody", AccountForms.Password),
            ("an empty password", email, ""),
            ("a 10 KB password", email, new string('x', 10_000)),
        };

        var pages = new List<string>();
        foreach (var (what, address, password) in attempts)
        {
            using var shopper = new Shopper();
            var response = await shopper.SignInAsync(App, address, password);
            var page = Normalise(await response.Content.ReadAsStringAsync(), address);
            var same = response.StatusCode == HttpStatusCode.OK && page.Contains(SignInModel.Failure, StringComparison.Ordinal)
                       && (pages.Count == 0 || page == pages[0]);
            SecurityAttempts.Record(Link, $"sign-in with {what}", $"{(int)response.StatusCode}, the one failure text", same);
            Assert.True(same, $"{what}: {(int)response.StatusCode}\n{page}");
            pages.Add(page);
        }
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task Sign_in_redirects_only_to_a_local_return_url(string returnUrl)
    {
        var email = await new Shopper().RegisteredAsync(App);
        using var shopper = new Shopper();

        var response = await shopper.SignInAsync(App, email, returnUrl: returnUrl);

        SecurityAttempts.Record(Link, $"sign-in with returnUrl {returnUrl}", $"{(int)response.StatusCode} → {response.Headers.Location}",
            response.Headers.Location?.OriginalString == "/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("Account/SignIn")]
    [InlineData("Account/Register")]
    [InlineData("Account/SignOut")]
    [InlineData("Account?handler=SignOutEverywhere")]
    [InlineData("Account/ChangePassword")]
    public async Task A_form_post_without_its_antiforgery_token_is_refused(string action)
    {
        using var shopper = new Shopper();
        await shopper.RegisteredAsync(App);

        var response = await shopper.On(App).PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = AccountForms.NewEmail(),
            ["Password"] = AccountForms.Password,
            ["CurrentPassword"] = AccountForms.Password,
            ["NewPassword"] = "an attacker's passphrase",
        }));

        SecurityAttempts.Record(Link, $"POST /{action} without an antiforgery token (cross-site form)", $"{(int)response.StatusCode} {response.ReasonPhrase}",
            response.StatusCode == HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await shopper.SignedInAsAsync(App));
    }

    // The email typed is echoed in the form; the token differs per request.
    private static string Normalise(string page, string email) =>
        System.Text.RegularExpressions.Regex.Replace(
            page.Replace(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(email), "EMAIL", StringComparison.Ordinal),
            "value=\"CfDJ8[^\"]*\"", "value=\"TOKEN\"");
}
