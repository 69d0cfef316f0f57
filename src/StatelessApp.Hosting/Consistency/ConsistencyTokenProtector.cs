using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using NpgsqlTypes;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// The <c>X-Consistency-Token</c> header value: a WAL position and the user it was issued to, encrypted and signed with
/// the shared key ring (purpose-scoped, so no other protected value of the app can be passed off as a token, nor a token
/// as anything else). A token is accepted only for the user it names: replaying someone else's token is refused.
/// </summary>
/// <remarks>
/// A token is a position, not a capability: it never selects data (queries still filter by the caller's identity), it
/// only makes a read wait or go to the primary. A forged one could at worst cost its sender performance.
/// </remarks>
public sealed class ConsistencyTokenProtector(IDataProtectionProvider provider)
{
    /// <summary>Headers longer than this are refused before any cryptography runs.</summary>
    public const int MaxTokenLength = 512;

    private const string Purpose = "StatelessApp.Hosting.Consistency.Token.v1";
    private const byte Version = 1;

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(NpgsqlLogSequenceNumber position, string userId)
    {
        var user = Encoding.UTF8.GetBytes(userId);
        var payload = new byte[1 + sizeof(ulong) + user.Length];
        payload[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(1), (ulong)position);
        user.CopyTo(payload, 1 + sizeof(ulong));
        return Base64Url.EncodeToString(_protector.Protect(payload));
    }

    /// <summary>The position, if <paramref name="token"/> is genuine and was issued to <paramref name="userId"/>.</summary>
    public bool TryUnprotect(string? token, string userId, out NpgsqlLogSequenceNumber position)
    {
        position = default;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || !Base64Url.IsValid(token))
        {
            return false;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(Base64Url.DecodeFromChars(token));
        }
        catch (CryptographicException)
        {
            return false; // forged, corrupted, or protected with a key this key ring does not have
        }

        if (payload.Length < 1 + sizeof(ulong) || payload[0] != Version
            || !payload.AsSpan(1 + sizeof(ulong)).SequenceEqual(Encoding.UTF8.GetBytes(userId)))
        {
            return false;
        }

        position = new NpgsqlLogSequenceNumber(BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(1)));
        return true;
    }
}
