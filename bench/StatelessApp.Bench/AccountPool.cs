using System.Net;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.Bench;

/// <summary>
/// Accounts for the sign-in scenario, registered through the proxy as a browser registers (GET the form, POST it back),
/// and for each a sign-in form as a new browser would post it: one line per account, the Cookie header value (the
/// anonymous shopper, the session, the antiforgery cookie), a tab, the form body (email, password, antiforgery token).
/// Forms are made per app start: their tokens belong to that build's key ring.
/// </summary>
public sealed class AccountPool(HttpClient http, Uri proxy)
{
    private const string Password = "bench passphrase, long enough";
    private const int Parallelism = 4;

    private readonly List<string> _emails = [];

    /// <summary>Registers accounts until there are <paramref name="count"/> (each registration is one password hash).</summary>
    public async Task EnsureAsync(int count, CancellationToken cancellationToken)
    {
        var missing = Enumerable.Range(0, Math.Max(0, count - _emails.Count)).Select(_ => $"bench-{Guid.NewGuid():N}@example.test").ToList();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (email, token) => await SubmitAsync("/Account/Register", email, token));
        _emails.AddRange(missing);
    }

    /// <summary>One sign-in form line per account, for wrk/shop.lua.</summary>
    public async Task WriteFormsAsync(string file, CancellationToken cancellationToken)
    {
        var lines = new string[_emails.Count];
        await Parallel.ForAsync(0, _emails.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var (cookies, body) = await FormAsync("/Account/SignIn", _emails[index], token);
                lines[index] = $"{cookies}\t{body}";
            });
        await File.WriteAllLinesAsync(file, lines, cancellationToken);
    }

    private async Task SubmitAsync(string page, string email, CancellationToken cancellationToken)
    {
        var (cookies, body) = await FormAsync(page, email, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy, page)) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("Cookie", cookies);
        using var response = await http.SendAsync(request, cancellationToken);
        // The client follows redirects: a registration ends on the home page; a refused one stays on the form.
        if (response.StatusCode != HttpStatusCode.OK || response.RequestMessage?.RequestUri?.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"registering {email}: POST {page} ended with {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}");
        }
    }

    /// <summary>GET <paramref name="page"/> as a new browser: its cookies, and the form body filled in with its token.</summary>
    private async Task<(string Cookies, string Body)> FormAsync(string page, string email, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(proxy, page), cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {page} answered {(int)response.StatusCode}");
        }

        var cookies = (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : []).Select(setCookie => setCookie.Split(';', 2)[0].Trim());
        var token = AntiforgeryField.TokenIn(await response.Content.ReadAsStringAsync(cancellationToken))
            ?? throw new InvalidOperationException($"GET {page} has no antiforgery token");
        var body = string.Join('&', new[] { ("Email", email), ("Password", Password), (AntiforgeryField.Name, token) }
            .Select(field => $"{field.Item1}={Uri.EscapeDataString(field.Item2)}"));
        return (string.Join("; ", cookies), body);
    }
}
