using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Cookies;

/// <summary>
/// The one shape of every cookie the app sets: a <c>__Host-</c> name, <c>Secure</c> whatever the request's scheme,
/// <c>Path=/</c>, no <c>Domain</c>, <c>HttpOnly</c>, <c>SameSite=Lax</c>. A browser stores a <c>__Host-</c> cookie
/// only with exactly those attributes and only from a secure origin, so neither a sibling subdomain nor a plain-HTTP
/// page (a network attacker's) can plant or shadow it.
/// </summary>
public static class HostCookie
{
    public const string Prefix = "__Host-";

    /// <summary>
    /// Null when <paramref name="name"/> is a valid <c>__Host-</c> cookie name, else why not, naming
    /// <paramref name="setting"/> (the configuration key or option that holds it).
    /// </summary>
    public static string? Problem(string? name, string setting)
    {
        if (string.IsNullOrWhiteSpace(name) || !IsToken(name))
        {
            return $"{setting} must be a non-empty cookie name without spaces, control characters or ()<>@,;:\\\"/[]?={{}} (was \"{name}\").";
        }

        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length == Prefix.Length)
        {
            return $"{setting} must start with \"{Prefix}\" (was \"{name}\"): browsers then accept the cookie only when it is Secure, " +
                "Path=/ and has no Domain, so no subdomain or plain-HTTP page can plant it.";
        }

        return null;
    }

    /// <summary>Null when a cookie builder's attributes satisfy what a <c>__Host-</c> cookie needs, else why not.</summary>
    public static string? Problem(CookieBuilder cookie, string setting)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        if (Problem(cookie.Name, setting + ".Name") is { } name)
        {
            return name;
        }

        if (cookie.SecurePolicy != CookieSecurePolicy.Always || cookie.Path != "/" || cookie.Domain is not null)
        {
            return $"{setting} is a {Prefix} cookie, so it needs SecurePolicy Always, Path \"/\" and no Domain " +
                $"(was {cookie.SecurePolicy}, \"{cookie.Path}\", \"{cookie.Domain}\"): a browser silently drops it otherwise.";
        }

        return null;
    }

    /// <summary>Gives <paramref name="cookie"/> the shape described above, under <paramref name="name"/>.</summary>
    public static void Apply(CookieBuilder cookie, string name)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        cookie.Name = name;
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Path = "/";
        cookie.Domain = null;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
        // The app does not work without them (cart, identity, forms): consent banners must not drop them.
        cookie.IsEssential = true;
    }

    /// <summary>The same shape for a cookie written by hand (<c>Response.Cookies.Append</c>).</summary>
    public static CookieOptions Options() => new()
    {
        Secure = true,
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
    };

    /// <summary>RFC 6265 cookie-name = RFC 2616 token.</summary>
    private static bool IsToken(string name) =>
        name.All(c => c is > ' ' and < (char)127 && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal));
}
