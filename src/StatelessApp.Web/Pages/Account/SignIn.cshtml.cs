using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// Email + password → signed in, back to <c>returnUrl</c> (local only). Every failure shows the same text, so the page
/// never tells whether an email has an account: unknown email, wrong password, locked out and paused by the account's
/// sign-in limit all answer 200 after one password verification. Only a pause of the client's address (429) and a
/// throttle that cannot count (Redis down: 503, fail closed) differ, and they say nothing about the account.
/// </summary>
public sealed class SignInModel(SignInThrottle throttle, PasswordCheck passwords, AccountSessions sessions) : CredentialsPageModel
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

        var verdict = await throttle.CheckAsync(Email, HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (verdict.Outcome)
        {
            case SignInThrottleOutcome.ClientPaused:
                return Fail(StatusCodes.Status429TooManyRequests, verdict.RetryAfterSeconds);
            case SignInThrottleOutcome.Unavailable:
                return Fail(StatusCodes.Status503ServiceUnavailable, verdict.RetryAfterSeconds);
            case SignInThrottleOutcome.AccountPaused:
                passwords.Paused(Password);
                return Fail();
        }

        var account = await passwords.CheckAsync(Email, Password);
        if (account is null)
        {
            return Fail();
        }

        await sessions.SignInAsync(HttpContext, account, cancellationToken);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private PageResult Fail(int status = StatusCodes.Status200OK, int retryAfterSeconds = 0)
    {
        Failed = true;
        ModelState.Clear(); // one message for every failure: field errors would tell a malformed email from an unknown one
        if (retryAfterSeconds > 0)
        {
            Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
