using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.Drills.Load;

/// <summary>
/// An account registered through one proxy, signed in by the cookie the app gave (written by whichever version served
/// the registration), and a check of that cookie on every instance, each asked directly: still signed in?
/// </summary>
public sealed class SignedInAccount
{
    private const string ShopperCookie = "__Host-StatelessApp.Shopper";
    private const string Password = "correct horse battery";
    private readonly DrillStackFixture _stack;

    private SignedInAccount(DrillStackFixture stack, string email, string cookie)
    {
        _stack = stack;
        Email = email;
        Cookie = cookie;
    }

    public string Email { get; }

    public string Cookie { get; }

    /// <summary>Registers a new account through <paramref name="proxy"/> and keeps its shopper cookie.</summary>
    public static async Task<SignedInAccount> RegisterAsync(DrillStackFixture stack, Node proxy)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(proxy);
        var email = $"drill-{Guid.NewGuid():N}@example.test";
        var cookies = new CookieContainer();
        using var client = Client(stack, proxy, cookies);
        try
        {
            return await RegisterAsync(stack, client, cookies, email);
        }
        catch (TaskCanceledException e)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"registering {email} through {proxy.Name}: no answer within {client.Timeout.TotalSeconds:0} s"), e);
        }
    }

    private static async Task<SignedInAccount> RegisterAsync(DrillStackFixture stack, HttpClient client, CookieContainer cookies, string email)
    {
        var html = await client.GetStringAsync("Account/Register");
        var fields = new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = Password,
            [AntiforgeryField.Name] = AntiforgeryField.TokenIn(html) ?? throw new InvalidOperationException("Account/Register has no form token"),
        };
        using var registered = await client.PostAsync("Account/Register", new FormUrlEncodedContent(fields));
        if (registered.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"registering {email} answered {(int)registered.StatusCode}");
        }

        var cookie = cookies.GetAllCookies().Single(c => c.Name == ShopperCookie).Value;
        return new SignedInAccount(stack, email, cookie);
    }

    /// <summary>The instances that do not show the account as signed in on this cookie alone.</summary>
    public async Task<IReadOnlyList<string>> InstancesNotSignedInAsync()
    {
        var refused = new List<string>();
        foreach (var app in _stack.Topology.NodesOf(NodeKind.App))
        {
            using var client = Client(_stack, app, cookies: null);
            using var request = new HttpRequestMessage(HttpMethod.Get, "Cart");
            request.Headers.Add("Cookie", $"{ShopperCookie}={Cookie}");
            try
            {
                using var response = await client.SendAsync(request);
                var page = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !page.Contains($"Signed in as {HtmlEncoder.Default.Encode(Email)}", StringComparison.Ordinal))
                {
                    refused.Add($"{app.Name} ({(int)response.StatusCode})");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                refused.Add($"{app.Name} (no answer: {e.Message})");
            }
        }

        return refused;
    }

    private static HttpClient Client(DrillStackFixture stack, Node node, CookieContainer? cookies) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = new() { RemoteCertificateValidationCallback = stack.Controller.Context.Certificates.ServerValidator() },
        })
        {
            BaseAddress = new Uri($"https://{node.Endpoint}/"),
            // A guard against a hang, not a speed bound: an instance just rolled, on two cores shared with the whole
            // stack and the drill's load, once took over 10 s to answer its first page.
            Timeout = TimeSpan.FromMinutes(1),
        };
}
