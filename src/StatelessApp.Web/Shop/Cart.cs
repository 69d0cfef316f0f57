using System.Text.Json;

namespace StatelessApp.Web.Shop;

/// <summary>
/// The shopper's cart: product ids and quantities only. Prices and names are looked up at display and checkout, so a
/// tampered or stale cart can never change what is charged. Kept in the session (Redis), hence small and compact.
/// </summary>
public sealed class Cart
{
    public const int MaxQuantityPerLine = 99;
    public const int MaxLines = 50;

    private readonly List<CartLine> _lines;

    public Cart() => _lines = [];

    private Cart(List<CartLine> lines) => _lines = lines;

    public IReadOnlyList<CartLine> Lines => _lines;

    public bool IsEmpty => _lines.Count == 0;

    public int ItemCount => _lines.Sum(line => line.Quantity);

    public int QuantityOf(int productId) => _lines.Find(line => line.ProductId == productId)?.Quantity ?? 0;

    /// <summary>Adds <paramref name="quantity"/> to the product's line, creating it if needed.</summary>
    public CartChange Add(int productId, int quantity)
    {
        if (quantity is < 1 or > MaxQuantityPerLine)
        {
            return CartChange.InvalidQuantity;
        }

        var index = _lines.FindIndex(line => line.ProductId == productId);
        if (index < 0)
        {
            if (_lines.Count >= MaxLines)
            {
                return CartChange.TooManyLines;
            }

            _lines.Add(new CartLine(productId, quantity));
            return CartChange.Done;
        }

        var total = _lines[index].Quantity + quantity;
        if (total > MaxQuantityPerLine)
        {
            return CartChange.InvalidQuantity;
        }

        _lines[index] = _lines[index] with { Quantity = total };
        return CartChange.Done;
    }

    /// <summary>Sets the quantity of a product already in the cart.</summary>
    public CartChange SetQuantity(int productId, int quantity)
    {
        if (quantity is < 1 or > MaxQuantityPerLine)
        {
            return CartChange.InvalidQuantity;
        }

        var index = _lines.FindIndex(line => line.ProductId == productId);
        if (index < 0)
        {
            return CartChange.NotInCart;
        }

        _lines[index] = _lines[index] with { Quantity = quantity };
        return CartChange.Done;
    }

    public CartChange Remove(int productId) =>
        _lines.RemoveAll(line => line.ProductId == productId) > 0 ? CartChange.Done : CartChange.NotInCart;

    public void Clear() => _lines.Clear();

    /// <summary>
    /// Adds <paramref name="other"/>'s lines to this cart (a saved cart merged at sign-in): quantities add up, capped at
    /// <see cref="MaxQuantityPerLine"/>; products beyond <see cref="MaxLines"/> are left out.
    /// </summary>
    public void Merge(Cart other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var line in other.Lines)
        {
            var room = MaxQuantityPerLine - QuantityOf(line.ProductId);
            if (room > 0)
            {
                _ = Add(line.ProductId, Math.Min(room, line.Quantity)); // TooManyLines: the line is left out
            }
        }
    }

    /// <summary>Compact JSON, e.g. <c>[[3,2],[17,1]]</c> (product id, quantity): a few bytes per line in Redis.</summary>
    public byte[] ToBytes() =>
        JsonSerializer.SerializeToUtf8Bytes(_lines.Select(line => new[] { line.ProductId, line.Quantity }).ToArray());

    /// <summary>
    /// Reads what <see cref="ToBytes"/> wrote. Anything else (absent, corrupt, out of range) gives an empty cart or
    /// drops the bad line: a broken cart must not break the shop.
    /// </summary>
    public static Cart FromBytes(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0)
        {
            return new Cart();
        }

        int[][]? raw;
        try
        {
            raw = JsonSerializer.Deserialize<int[][]>(bytes);
        }
        catch (JsonException)
        {
            return new Cart();
        }

        var lines = new List<CartLine>();
        foreach (var pair in raw ?? [])
        {
            if (pair is [var productId, var quantity]
                && productId > 0
                && quantity is >= 1 and <= MaxQuantityPerLine
                && lines.Count < MaxLines
                && lines.TrueForAll(line => line.ProductId != productId))
            {
                lines.Add(new CartLine(productId, quantity));
            }
        }

        return new Cart(lines);
    }
}
