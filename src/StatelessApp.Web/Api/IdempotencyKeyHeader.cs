using System.Diagnostics.CodeAnalysis;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>Reads the optional <c>Idempotency-Key</c> header of a write the API lets clients repeat safely.</summary>
internal static class IdempotencyKeyHeader
{
    /// <summary>
    /// True with the key (null when the request carries none); false with a 400 problem when the header is repeated or
    /// the key is malformed.
    /// </summary>
    public static bool TryRead(HttpRequest request, out string? key, [NotNullWhen(false)] out IResult? problem)
    {
        var values = request.Headers[IdempotencyKey.HeaderName];
        key = null;
        problem = null;
        if (values.Count > 1)
        {
            problem = ApiProblems.Invalid(IdempotencyKey.HeaderName, "Send one idempotency key, not several.");
            return false;
        }

        if (values.Count == 1 && !IdempotencyKey.IsValid(values[0]!, out var invalid))
        {
            problem = ApiProblems.Invalid(IdempotencyKey.HeaderName, invalid);
            return false;
        }

        key = values.Count == 1 ? values[0] : null;
        return true;
    }
}
