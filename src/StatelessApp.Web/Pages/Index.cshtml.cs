using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages;

/// <summary>The catalogue (read from a standby) with "add to cart" forms.</summary>
[AllowStaleReads] // catalogue reads only; prices that matter are re-read on the primary at checkout
public sealed class IndexModel(Catalogue catalogue) : PageModel
{
    public IReadOnlyList<Product> Products { get; private set; } = [];

    public IReadOnlyList<string> Categories { get; private set; } = [];

    public string? Category { get; private set; }

    public async Task OnGetAsync(string? category, CancellationToken cancellationToken)
    {
        var all = await catalogue.ListAsync(category: null, cancellationToken);
        Categories = all.Select(product => product.Category).Distinct().ToList();
        Category = Categories.Contains(category) ? category : null;
        Products = Category is null ? all : all.Where(product => product.Category == Category).ToList();
    }

    public async Task<IActionResult> OnPostAddAsync(int productId, int quantity, string? category, CancellationToken cancellationToken)
    {
        var product = await catalogue.FindAsync(productId, cancellationToken);
        if (product is null)
        {
            return NotFound();
        }

        var cart = await HttpContext.Session.LoadCartAsync(cancellationToken);
        var change = cart.Add(productId, quantity);
        if (change == CartChange.Done)
        {
            HttpContext.Session.SaveCart(cart);
            TempData["Message"] = $"Added {quantity} × {product.Name} to your cart.";
        }
        else
        {
            TempData["Message"] = change.DescribeProblem();
        }

        return RedirectToPage(new { category });
    }
}
