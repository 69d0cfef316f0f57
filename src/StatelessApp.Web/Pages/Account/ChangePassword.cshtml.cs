using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages.Account;

/// <summary>A new password (on the primary, confirmed by a standby); every other browser of the account is signed out.</summary>
public sealed class ChangePasswordModel(AccountRevocation revocation) : SignedInPageModel
{
    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    [StringLength(AccountsExtensions.MaxPasswordLength)]
    [Display(Name = "Current password")]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    [StringLength(AccountsExtensions.MaxPasswordLength, MinimumLength = AccountsExtensions.MinPasswordLength)]
    [Display(Name = "New password")]
    public string NewPassword { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (result, outcome) = await revocation.ChangePasswordAsync(HttpContext, CurrentPassword, NewPassword, cancellationToken);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var wrongCurrent = error.Code == nameof(IdentityErrorDescriber.PasswordMismatch);
                ModelState.AddModelError(wrongCurrent ? nameof(CurrentPassword) : nameof(NewPassword),
                    wrongCurrent ? "The current password is incorrect." : error.Description);
            }

            return Page();
        }

        TempData["Message"] = outcome == RevocationOutcome.Revoked
            ? "Your password is changed. Every other browser is signed out."
            : "Your password is changed. Other browsers are being signed out: use Sign out everywhere to be sure.";
        return RedirectToPage("/Account/Index");
    }
}
