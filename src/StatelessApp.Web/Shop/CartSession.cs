using Microsoft.AspNetCore.Http;

namespace StatelessApp.Web.Shop;

/// <summary>The cart lives in the session, i.e. in Redis: any instance continues the cart another one started.</summary>
public static class CartSession
{
    private const string Key = "cart";

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
            session.Remove(Key);
        }
        else
        {
            session.Set(Key, cart.ToBytes());
        }
    }

    public static string DescribeProblem(this CartChange change) => change switch
    {
        CartChange.InvalidQuantity => $"Quantity must be between 1 and {Cart.MaxQuantityPerLine} per product.",
        CartChange.TooManyLines => $"The cart holds at most {Cart.MaxLines} different products.",
        CartChange.NotInCart => "That product is not in the cart.",
        _ => "",
    };
}
