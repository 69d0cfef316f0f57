using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace StatelessApp.Web.Shop;

/// <summary>
/// The client's name for one checkout attempt: the checkout form carries a fresh one, API clients send it as the
/// <c>Idempotency-Key</c> header. The same key from the same shopper always yields the same order, so a proxy, a
/// failover-capable client or a user may resend a checkout whose answer was lost without ordering twice.
/// </summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The form field of the checkout page.</summary>
    public const string FormField = "idempotencyKey";

    /// <summary>Stored in a varchar(64) column; a UUID (36) or a ULID (26) fits with room to spare.</summary>
    public const int MaxLength = 64;

    // Visible ASCII without separators: the key travels in a header and a form field, and is logged.
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Checks a client-supplied key; <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool IsValid(string key, [NotNullWhen(false)] out string? problem)
    {
        problem = key.Length switch
        {
            0 => "The idempotency key is empty.",
            > MaxLength => $"The idempotency key is longer than {MaxLength} characters.",
            _ when key.AsSpan().ContainsAnyExcept(Allowed) => "The idempotency key may contain only letters, digits, '-', '_', '.' and ':'.",
            _ => null,
        };
        return problem is null;
    }
}
