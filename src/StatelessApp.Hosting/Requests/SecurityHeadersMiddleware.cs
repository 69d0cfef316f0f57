using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Requests;

/// <summary>
/// The browser-side hardening headers, on every answer (error answers too: set as the response starts, after the
/// exception handler has cleared the headers of a failed attempt). HSTS is the proxies' (they terminate the client's TLS).
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>
    /// Only the app's own scripts, styles, images and forms; no plugin, no &lt;base&gt;, never framed (frame-ancestors).
    /// The pages have no inline script or style, so nothing needs 'unsafe-inline' or a nonce.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Content-Security-Policy"] = ContentSecurityPolicy,
        ["X-Content-Type-Options"] = "nosniff",
        // Not no-referrer: with it a browser sends "Origin: null" on same-origin POSTs (Fetch, "serializing a request
        // origin"), which the same-origin check must then refuse. This one keeps the full Origin for the app itself.
        ["Referrer-Policy"] = "strict-origin-when-cross-origin",
        // frame-ancestors supersedes it; kept for browsers that know only this one.
        ["X-Frame-Options"] = "DENY",
        ["Cross-Origin-Opener-Policy"] = "same-origin",
    };

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            foreach (var (name, value) in Headers)
            {
                headers[name] = value;
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
