using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>POST only (the header's button): the cart saved to the account, a fresh anonymous shopper, back to the catalogue.</summary>
public sealed class SignOutModel(AccountSessions sessions) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await sessions.SignOutAsync(HttpContext, cancellationToken))
        {
            TempData["Message"] = "Signed out. Your cart could not be kept for your next sign-in.";
        }

        return LocalRedirect("/");
    }
}
