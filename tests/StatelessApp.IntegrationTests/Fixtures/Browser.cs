using System.Net;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// One user's cookies, shared by every app instance the test talks to (as a browser behind a load balancer
/// would send them). Cookies are stored under one canonical origin whatever the instance's real address.
/// </summary>
public sealed class Browser
{
    private static readonly Uri Origin = new("http://app.test/");

    public CookieContainer Cookies { get; } = new();

    public string? Cookie(string name) => Cookies.GetCookies(Origin)[name]?.Value;

    public void SetCookie(string name, string value) => Cookies.Add(Origin, new Cookie(name, value));

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
            var header = browser.Cookies.GetCookieHeader(Origin);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    // Secure cookies set over https are kept too: the canonical origin is only a storage key.
                    browser.Cookies.SetCookies(Origin, setCookie.Replace("; secure", string.Empty, StringComparison.OrdinalIgnoreCase));
                }
            }

            return response;
        }
    }
}
