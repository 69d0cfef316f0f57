using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// Email + password → signed in, back to <c>returnUrl</c> (local only). Every failure shows the same text, so the page
/// never tells whether an email has an account.
/// </summary>
public sealed class SignInModel(PasswordCheck passwords, AccountSessions sessions) : CredentialsPageModel
{
    public const string Failure = "Email or password is incorrect, or sign-in is paused for this account. Try again later.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Set when the last attempt failed, whatever the reason.</summary>
    public bool Failed { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Fail();
        }

        // sign-in throttle: wired by the abuse branch

        var account = await passwords.CheckAsync(Email, Password);
        if (account is null)
        {
            return Fail();
        }

        await sessions.SignInAsync(HttpContext, account, cancellationToken);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private PageResult Fail()
    {
        Failed = true;
        ModelState.Clear(); // one message for every failure: field errors would tell a malformed email from an unknown one
        return Page();
    }
}
