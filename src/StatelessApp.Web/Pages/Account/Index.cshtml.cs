using Microsoft.AspNetCore.Mvc;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages.Account;

/// <summary>The signed-in account: its email (read through the read/write split, read-your-writes), password, sign out everywhere.</summary>
public sealed class AccountModel(AccountReader reader, AccountRevocation revocation) : SignedInPageModel
{
    public AccountSummary Account { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await reader.FindAsync(User.GetShopperId(), cancellationToken);
        if (account is null)
        {
            return NotFound();
        }

        Account = account;
        return Page();
    }

    public async Task<IActionResult> OnPostSignOutEverywhereAsync(CancellationToken cancellationToken)
    {
        TempData["Message"] = await revocation.SignOutEverywhereAsync(HttpContext, cancellationToken) switch
        {
            RevocationOutcome.Revoked => "Every other browser is signed out.",
            RevocationOutcome.NotConfirmed => "Other browsers are being signed out, but it is not confirmed yet: sign out everywhere again to be sure.",
            _ => "Other browsers could not be signed out right now. Try again.",
        };
        return RedirectToPage();
    }
}
