using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// Creates an account (on the primary, confirmed by a standby) and signs it in: the anonymous cart and orders become
/// the account's.
/// </summary>
public sealed class RegisterModel(UserManager<ShopAccount> accounts, ConfirmedAccountWrites writes, AccountSessions sessions) : CredentialsPageModel
{
    /// <summary>
    /// Shown for a taken email. Registration without a confirmation mail cannot hide that an email is taken; the
    /// sign-in page does not tell (docs/accounts.md).
    /// </summary>
    public const string EmailUnavailable = "An account cannot be created with this email.";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var account = new ShopAccount { Id = Guid.CreateVersion7(), UserName = Email, Email = Email };
        var result = await writes.RunAsync(() => accounts.CreateAsync(account, Password), cancellationToken);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var (field, message) = error.Code switch
                {
                    nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) => (nameof(Email), EmailUnavailable),
                    nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => (nameof(Email), error.Description),
                    _ => (nameof(Password), error.Description),
                };
                ModelState.AddModelError(field, message);
            }

            return Page();
        }

        await sessions.SignInAsync(HttpContext, account, cancellationToken);
        return LocalRedirect("/");
    }
}
