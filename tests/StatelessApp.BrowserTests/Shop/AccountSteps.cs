using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StatelessApp.BrowserTests.Shop;

/// <summary>
/// What a person does with an account, by the labels and texts of src/StatelessApp.Web/Pages/Account and the layout's
/// header (the page contract of issue 17).
/// </summary>
public static partial class AccountSteps
{
    /// <summary>Long enough for the shop's minimum (AccountsExtensions.MinPasswordLength).</summary>
    public const string Password = "correct horse battery staple";

    /// <summary>An email no earlier run used.</summary>
    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}"[..(who.Length + 9)] + "@example.test";

    /// <summary>Creates the account (which signs this browser in) and checks the header says so.</summary>
    public static async Task RegisterAsync(this IPage page, string email)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/Account/Register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync(HomePage(), LandedOn);
        await page.ExpectSignedInAsync(email);
    }

    /// <summary>Signs in from the header's "Sign in" link with <paramref name="password"/>; the page it lands on is not checked.</summary>
    public static async Task SubmitSignInAsync(this IPage page, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in with the right password and checks the header.</summary>
    public static async Task SignInAsync(this IPage page, string email)
    {
        await page.SubmitSignInAsync(email, Password);
        await page.WaitForURLAsync(HomePage(), LandedOn);
        await page.ExpectSignedInAsync(email);
    }

    /// <summary>The header's "Sign out" button: back to an anonymous shopper.</summary>
    public static async Task SignOutAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(HomePage(), LandedOn);
        await page.ExpectAnonymousAsync();
    }

    /// <summary>The account page's "Sign out everywhere"; returns the message the page answered with.</summary>
    public static async Task<string> SignOutEverywhereAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/Account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
        return await page.GetByRole(AriaRole.Status).InnerTextAsync();
    }

    /// <summary>The header of the page shown names the account, with its "Account" link and "Sign out" button.</summary>
    public static async Task ExpectSignedInAsync(this IPage page, string email)
    {
        ArgumentNullException.ThrowIfNull(page);
        await Expect(page.GetByText($"Signed in as {email}", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Account", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>The header of the page shown offers "Sign in" and "Create account", and names no account.</summary>
    public static async Task ExpectAnonymousAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create account", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("Signed in as")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The redirect's target has answered: the header checks that follow wait for what they read. Waiting for the page's
    /// load event as well once timed out (30 s) on a busy machine with the page and its one stylesheet already served.
    /// </summary>
    private static readonly PageWaitForURLOptions LandedOn = new() { WaitUntil = WaitUntilState.Commit };

    [GeneratedRegex(@"^https://[^/]+/(\?.*)?$")]
    private static partial Regex HomePage();
}
