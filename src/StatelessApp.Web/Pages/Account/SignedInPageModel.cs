using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// A page for signed-in accounts only: an anonymous shopper (every visitor is authenticated as one) is sent to the
/// sign-in page, which brings it back here.
/// </summary>
public abstract class SignedInPageModel : PageModel
{
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (User.AccountEmail() is null)
        {
            context.Result = RedirectToPage("/Account/SignIn", new { returnUrl = Request.Path + Request.QueryString });
            return;
        }

        await next();
    }
}
