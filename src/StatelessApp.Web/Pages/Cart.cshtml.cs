using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages;

/// <summary>The session's cart: change quantities, remove lines.</summary>
[AllowStaleReads] // catalogue reads only; prices that matter are re-read on the primary at checkout
public sealed class CartModel(Catalogue catalogue) : PageModel
{
    public PricedCart Cart { get; private set; } = PricedCart.Empty;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        Cart = await catalogue.PriceAsync(cart, cancellationToken);
    }

    public async Task<IActionResult> OnPostUpdateAsync(int productId, int quantity, CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        var change = cart.SetQuantity(productId, quantity);
        if (change == CartChange.Done)
        {
            HttpContext.Session.SaveCart(cart);
        }
        else
        {
            TempData["Message"] = change.DescribeProblem();
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int productId, CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        if (cart.Remove(productId) == CartChange.Done)
        {
            HttpContext.Session.SaveCart(cart);
        }

        return RedirectToPage();
    }
}
