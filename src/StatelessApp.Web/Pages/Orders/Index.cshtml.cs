using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages.Orders;

/// <summary>The shopper's orders, read-your-writes (see <see cref="OrderHistory"/>).</summary>
public sealed class OrdersModel(OrderHistory history) : PageModel
{
    public IReadOnlyList<Order> Orders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Orders = await history.ListAsync(User.GetShopperId(), cancellationToken);
}
