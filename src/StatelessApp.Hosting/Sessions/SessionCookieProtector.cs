using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Session ids are 128 random bits; the cookie carries them encrypted and authenticated by DataProtection, so a
/// client can neither choose nor guess an id, and every instance sharing the key ring can read the cookie.
/// The payload is the 16-byte id, optionally followed by the session's version (<see cref="SessionVersion"/>, 8 bytes
/// big-endian): a cookie without one is read as before and its session is loaded from the primary.
/// </summary>
internal sealed class SessionCookieProtector(IDataProtectionProvider dataProtection)
{
    internal const int IdByteLength = 16;

    internal const int VersionedByteLength = IdByteLength + sizeof(long);

    /// <summary>A protected 16-byte id is about 140 characters; anything far longer is not ours.</summary>
    internal const int MaxCookieLength = 512;

    private readonly IDataProtector _protector =
        dataProtection.CreateProtector("StatelessApp.Hosting.Sessions.SessionCookie.v1");

    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdByteLength));

    /// <exception cref="SessionUnavailableException">The key ring could not be read from Redis.</exception>
    public string Protect(string sessionId, long? version = null)
    {
        var id = Base64Url.DecodeFromChars(sessionId);
        var payload = id;
        if (version is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(version));
            payload = new byte[VersionedByteLength];
            id.CopyTo(payload, 0);
            BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(IdByteLength), value);
        }

        try
        {
            return Base64Url.EncodeToString(_protector.Protect(payload));
        }
        catch (CryptographicException ex) when (KeyRingUnavailable(ex))
        {
            throw new SessionUnavailableException("The key ring could not be read from Redis to protect the session cookie.", ex);
        }
    }

    /// <summary>
    /// The session id in a cookie, or null with the reason it was refused (for the log, never for the client).
    /// </summary>
    /// <exception cref="SessionUnavailableException">The key ring could not be read from Redis.</exception>
    public string? Unprotect(string cookie, out string? refusal) => Unprotect(cookie, out _, out refusal);

    /// <summary>
    /// The session id in a cookie and the version it carries (null: a cookie without one), or null with the reason it
    /// was refused (for the log, never for the client).
    /// </summary>
    /// <exception cref="SessionUnavailableException">The key ring could not be read from Redis.</exception>
    public string? Unprotect(string cookie, out long? version, out string? refusal)
    {
        refusal = null;
        version = null;
        if (cookie.Length > MaxCookieLength)
        {
            refusal = $"cookie of {cookie.Length} characters exceeds {MaxCookieLength}";
            return null;
        }

        byte[] id;
        try
        {
            id = _protector.Unprotect(Base64Url.DecodeFromChars(cookie));
        }
        catch (FormatException)
        {
            refusal = "cookie is not base64url";
            return null;
        }
        catch (CryptographicException ex) when (KeyRingUnavailable(ex))
        {
            // Not the cookie's fault: this instance could not read the key ring (Redis down since it started).
            throw new SessionUnavailableException("The key ring could not be read from Redis to read the session cookie.", ex);
        }
        catch (CryptographicException ex)
        {
            // Tampered, or minted with a key this instance's ring does not have (a split key ring looks like this).
            refusal = $"cookie failed DataProtection: {ex.Message}";
            return null;
        }

        if (id.Length == VersionedByteLength)
        {
            var carried = BinaryPrimitives.ReadInt64BigEndian(id.AsSpan(IdByteLength));
            if (carried < 0)
            {
                refusal = "cookie carries a negative session version";
                return null;
            }

            version = carried;
        }
        else if (id.Length != IdByteLength)
        {
            refusal = $"cookie holds {id.Length} bytes instead of {IdByteLength} or {VersionedByteLength}";
            return null;
        }

        return Base64Url.EncodeToString(id.AsSpan(0, IdByteLength));
    }

    /// <summary>DataProtection wraps a failure to read the key ring from its repository in a CryptographicException.</summary>
    private static bool KeyRingUnavailable(CryptographicException exception) =>
        ExceptionChain.Any(exception, e => e is StackExchange.Redis.RedisException or TimeoutException);
}
