using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// A browser: one cookie jar, whichever instance it talks to (as behind a proxy that balances requests across
/// instances). Redirects are not followed, so tests see them.
/// </summary>
public sealed class Shopper : IDisposable
{
    private readonly Dictionary<ShopInstance, HttpClient> _clients = [];

    public CookieContainer Cookies { get; } = new();

    public HttpClient On(ShopInstance instance)
    {
        if (!_clients.TryGetValue(instance, out var client))
        {
            client = new HttpClient(TestTls.Handler(Cookies)) { BaseAddress = instance.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            _clients[instance] = client;
        }

        return client;
    }

    public string? Cookie(ShopInstance instance, string name) =>
        Cookies.GetCookies(instance.BaseAddress)[name]?.Value;

    public void SetCookie(ShopInstance instance, string name, string value) =>
        Cookies.Add(instance.BaseAddress, new Cookie(name, value) { Secure = true });

    /// <summary>Adds to the cart through the API and returns the cart's JSON.</summary>
    public async Task<JsonElement> AddToCartAsync(ShopInstance instance, int productId, int quantity)
    {
        var response = await On(instance).PostAsJsonAsync("api/cart/items", new { productId, quantity });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetJsonAsync(ShopInstance instance, string path)
    {
        var response = await On(instance).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The antiforgery token of the first form in a page.</summary>
    public static string AntiforgeryToken(string html) =>
        AntiforgeryField.TokenIn(html) ?? throw new Xunit.Sdk.XunitException("the page has no antiforgery token");

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
