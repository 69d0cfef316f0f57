using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages;

/// <summary>
/// Review the cart, then place the order (written on the primary) and go to it. The form carries a fresh idempotency
/// key: a double click, a browser resend or a proxy retry of the same form places one order.
/// </summary>
[AllowStaleReads] // catalogue reads only; prices that matter are re-read on the primary at checkout
public sealed class CheckoutModel(Catalogue catalogue, Checkout checkout) : PageModel
{
    public PricedCart Cart { get; private set; } = PricedCart.Empty;

    /// <summary>Generated with the form, posted back as <see cref="Shop.IdempotencyKey.FormField"/>.</summary>
    [BindProperty(Name = Shop.IdempotencyKey.FormField)]
    public string? IdempotencyKey { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        Cart = await catalogue.PriceAsync(cart, cancellationToken);
        IdempotencyKey = Shop.IdempotencyKey.New();
        return Cart.Lines.Count == 0 ? RedirectToPage("/Cart") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A form rendered before keys existed posts none: it is placed as before, just not deduplicated.
        var key = string.IsNullOrEmpty(IdempotencyKey) ? null : IdempotencyKey;
        if (key is not null && !Shop.IdempotencyKey.IsValid(key, out _))
        {
            return BadRequest();
        }

        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        var outcome = await checkout.PlaceOrderAsync(User.GetShopperId(), cart, key, cancellationToken);
        if (outcome is null)
        {
            TempData["Message"] = "Your cart is empty.";
            return RedirectToPage("/Cart");
        }

        await HttpContext.Session.CheckedOutAsync(cart, outcome, cancellationToken);

        TempData["Message"] = "Thank you! Your order is placed.";
        return RedirectToPage("/Orders/Details", new { id = outcome.Order.Id });
    }
}
