using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Session ids are 128 random bits; the cookie carries them encrypted and authenticated by DataProtection, so a
/// client can neither choose nor guess an id, and every instance sharing the key ring can read the cookie.
/// </summary>
internal sealed class SessionCookieProtector(IDataProtectionProvider dataProtection)
{
    internal const int IdByteLength = 16;

    /// <summary>A protected 16-byte id is about 140 characters; anything far longer is not ours.</summary>
    internal const int MaxCookieLength = 512;

    private readonly IDataProtector _protector =
        dataProtection.CreateProtector("StatelessApp.Hosting.Sessions.SessionCookie.v1");

    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdByteLength));

    /// <exception cref="SessionUnavailableException">The key ring could not be read from Redis.</exception>
    public string Protect(string sessionId)
    {
        try
        {
            return Base64Url.EncodeToString(_protector.Protect(Base64Url.DecodeFromChars(sessionId)));
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
    public string? Unprotect(string cookie, out string? refusal)
    {
        refusal = null;
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

        if (id.Length != IdByteLength)
        {
            refusal = $"cookie holds {id.Length} bytes instead of {IdByteLength}";
            return null;
        }

        return Base64Url.EncodeToString(id);
    }

    /// <summary>DataProtection wraps a failure to read the key ring from its repository in a CryptographicException.</summary>
    private static bool KeyRingUnavailable(CryptographicException exception) =>
        ExceptionChain.Any(exception, e => e is StackExchange.Redis.RedisException or TimeoutException);
}
