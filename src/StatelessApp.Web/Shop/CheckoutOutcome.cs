using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>The order a checkout produced; <see cref="IsReplay"/> when the idempotency key had already placed it.</summary>
public sealed record CheckoutOutcome(Order Order, bool IsReplay);
