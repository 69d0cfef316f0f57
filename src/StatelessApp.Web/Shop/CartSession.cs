using System.Text;
using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Shop;

/// <summary>The cart lives in the session, i.e. in Redis: any instance continues the cart another one started.</summary>
public static class CartSession
{
    private const string Key = "cart";

    /// <summary>Idempotency keys of the latest cart additions, newline-separated, newest first.</summary>
    private const string AppliedKeysKey = "cart-applied-keys";

    /// <summary>How many addition keys a session remembers: a client repeats a request within seconds, not hours.</summary>
    public const int RememberedKeys = 16;

    /// <summary>
    /// Loads the session asynchronously first: without LoadAsync the first Get would block a thread on Redis.
    /// </summary>
    public static async Task<Cart> LoadCartAsync(this ISession session, CancellationToken cancellationToken)
    {
        await session.LoadAsync(cancellationToken);
        return Cart.FromBytes(session.Get(Key));
    }

    /// <summary>Stores the cart; the session middleware writes it to Redis before the response starts.</summary>
    public static void SaveCart(this ISession session, Cart cart)
    {
        if (cart.IsEmpty)
        {
            // An emptied cart (a checkout) leaves an empty session, which the store deletes with its cookie.
            session.Remove(Key);
            session.Remove(AppliedKeysKey);
        }
        else
        {
            session.Set(Key, cart.ToBytes());
        }
    }

    /// <summary>
    /// After a checkout: empties the cart when the order took it (<see cref="CheckoutOutcome.ShouldEmpty"/>) and gives the
    /// session a new id, so an id seen before the order (planted, leaked) no longer names this shopper's session.
    /// </summary>
    public static async Task CheckedOutAsync(this ISession session, Cart cart, CheckoutOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.ShouldEmpty(cart))
        {
            cart.Clear();
            session.SaveCart(cart);
        }

        await session.RegenerateAsync(cancellationToken);
    }

    /// <summary>True when an addition with this idempotency key is already in the cart (its answer was lost).</summary>
    public static bool HasApplied(this ISession session, string idempotencyKey) =>
        AppliedKeys(session).Contains(idempotencyKey, StringComparer.Ordinal);

    /// <summary>
    /// Remembers an addition's key in the same session write as the cart it changed: either both reach Redis (and its
    /// replicas) or neither does, so a repeat is recognised exactly when the first attempt took effect.
    /// </summary>
    public static void RecordApplied(this ISession session, string idempotencyKey)
    {
        var keys = AppliedKeys(session).Prepend(idempotencyKey).Take(RememberedKeys);
        session.Set(AppliedKeysKey, Encoding.UTF8.GetBytes(string.Join('\n', keys)));
    }

    private static string[] AppliedKeys(ISession session) =>
        session.Get(AppliedKeysKey) is { } stored
            ? Encoding.UTF8.GetString(stored).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : [];

    public static string DescribeProblem(this CartChange change) => change switch
    {
        CartChange.InvalidQuantity => $"Quantity must be between 1 and {Cart.MaxQuantityPerLine} per product.",
        CartChange.TooManyLines => $"The cart holds at most {Cart.MaxLines} different products.",
        CartChange.NotInCart => "That product is not in the cart.",
        _ => "",
    };
}
