using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages.Orders;

/// <summary>One of the shopper's orders, right after checkout: from a standby that has replayed it, else the primary.</summary>
public sealed class OrderDetailsModel(OrderHistory history) : PageModel
{
    public Order Order { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var order = await history.FindAsync(User.GetShopperId(), id, cancellationToken);
        if (order is null)
        {
            return NotFound();
        }

        Order = order;
        return Page();
    }
}
