using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>The order a checkout produced; <see cref="IsReplay"/> when the idempotency key had already placed it.</summary>
public sealed record CheckoutOutcome(Order Order, bool IsReplay)
{
    /// <summary>
    /// Should this checkout empty the cart? A new order: yes. A replay: only if the cart still holds exactly what the
    /// order holds. That is the case when the first attempt committed the order but its answer, or the cart change that
    /// goes with it, was lost (e.g. the session write got no replica confirmation): leaving the cart full would invite a
    /// second order of the same goods. A cart that changed since is the shopper's next order and stays.
    /// </summary>
    public bool ShouldEmpty(Cart cart) => !IsReplay
        || (cart.Lines.Count == Order.Lines.Count
            && cart.Lines.All(line => Order.Lines.Any(o => o.ProductId == line.ProductId && o.Quantity == line.Quantity)));
}
