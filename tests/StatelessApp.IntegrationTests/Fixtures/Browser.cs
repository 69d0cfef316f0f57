using System.Net;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// One user's cookies, shared by every app instance the test talks to (as a browser behind a load balancer
/// would send them). Cookies are stored under one canonical origin whatever the instance's real address.
/// </summary>
public sealed class Browser
{
    private static readonly Uri Origin = new("http://app.test/");

    // Values CookieContainer refuses to hold (over 4 KB, or characters it rejects), sent as they are.
    private readonly Dictionary<string, string> _rawCookies = new(StringComparer.Ordinal);

    public CookieContainer Cookies { get; } = new();

    public string? Cookie(string name) =>
        _rawCookies.TryGetValue(name, out var raw) ? raw : Cookies.GetCookies(Origin)[name]?.Value;

    /// <summary>Sends this exact value (any size, any content) until the server sets the cookie again.</summary>
    public void SetCookie(string name, string value)
    {
        ForgetCookie(name);
        _rawCookies[name] = value;
    }

    public void ForgetCookie(string name)
    {
        var cookie = Cookies.GetCookies(Origin)[name];
        if (cookie is not null)
        {
            cookie.Expired = true;
        }
    }

    internal DelegatingHandler CreateHandler(HttpMessageHandler inner) => new CookieHandler(this) { InnerHandler = inner };

    private sealed class CookieHandler(Browser browser) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var cookies = browser.Cookies.GetCookies(Origin)
                .Where(cookie => !browser._rawCookies.ContainsKey(cookie.Name))
                .Select(cookie => $"{cookie.Name}={cookie.Value}")
                .Concat(browser._rawCookies.Select(raw => $"{raw.Key}={raw.Value}"))
                .ToList();
            if (cookies.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies));
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    browser._rawCookies.Remove(setCookie[..setCookie.IndexOf('=', StringComparison.Ordinal)]);
                    // Secure cookies set over https are kept too: the canonical origin is only a storage key.
                    browser.Cookies.SetCookies(Origin, setCookie.Replace("; secure", string.Empty, StringComparison.OrdinalIgnoreCase));
                }
            }

            return response;
        }
    }
}
