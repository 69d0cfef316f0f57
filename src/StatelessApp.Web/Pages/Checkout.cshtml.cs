using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages;

/// <summary>Review the cart, then place the order (written on the primary) and go to it.</summary>
public sealed class CheckoutModel(Catalogue catalogue, Checkout checkout) : PageModel
{
    public PricedCart Cart { get; private set; } = PricedCart.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        Cart = await catalogue.PriceAsync(cart, cancellationToken);
        return Cart.Lines.Count == 0 ? RedirectToPage("/Cart") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        var order = await checkout.PlaceOrderAsync(User.GetShopperId(), cart, cancellationToken);
        if (order is null)
        {
            TempData["Message"] = "Your cart is empty.";
            return RedirectToPage("/Cart");
        }

        cart.Clear();
        HttpContext.Session.SaveCart(cart);
        TempData["Message"] = "Thank you! Your order is placed.";
        return RedirectToPage("/Orders/Details", new { id = order.Id });
    }
}
