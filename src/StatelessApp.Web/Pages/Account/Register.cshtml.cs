using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// Creates an account (on the primary, confirmed by a standby) and signs it in: the anonymous cart and orders become
/// the account's.
/// </summary>
public sealed class RegisterModel(UserManager<ShopAccount> accounts, ConfirmedAccountWrites writes, AccountSessions sessions) : PageModel
{
    /// <summary>
    /// Shown for a taken email. Registration without a confirmation mail cannot hide that an email is taken; the
    /// sign-in page does not tell (docs/accounts.md).
    /// </summary>
    public const string EmailUnavailable = "An account cannot be created with this email.";

    [BindProperty]
    [Required]
    [EmailAddress]
    [StringLength(256)]
    [Display(Name = "Email")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    [StringLength(AccountsExtensions.MaxPasswordLength, MinimumLength = AccountsExtensions.MinPasswordLength)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";

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
                var taken = error.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName);
                ModelState.AddModelError(taken ? nameof(Email) : nameof(Password), taken ? EmailUnavailable : error.Description);
            }

            return Page();
        }

        await sessions.SignInAsync(HttpContext, account, cancellationToken);
        return LocalRedirect("/");
    }
}
