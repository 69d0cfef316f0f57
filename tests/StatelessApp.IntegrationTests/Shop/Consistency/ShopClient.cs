using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Hosting.Consistency;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop.Consistency;

/// <summary>
/// One shopper of the consistency tests, either a browser (the session carries the token) or an API client (keeps only
/// the shopper cookie and sends back the X-Consistency-Token header it was given; no session cookie).
/// </summary>
internal sealed class ShopClient : IDisposable
{
    private readonly Shopper _browser = new();
    private readonly Dictionary<ShopInstance, HttpClient> _bare = [];

    public ShopClient(bool isApiClient) => IsApiClient = isApiClient;

    public bool IsApiClient { get; }

    public string? Token { get; private set; }

    /// <summary>Adds a product and checks out on <paramref name="instance"/>; returns the new order's id.</summary>
    public async Task<Guid> PlaceOrderAsync(ShopInstance instance, int productId = 19)
    {
        await _browser.AddToCartAsync(instance, productId, 1);
        var response = await _browser.On(instance).PostAsync("api/checkout", content: null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Token = response.Headers.TryGetValues(ConsistencyScope.HeaderName, out var values) ? values.Single() : null;
        Assert.False(string.IsNullOrEmpty(Token), "checkout answered without a consistency token");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>GET api/orders: the ids of "my orders".</summary>
    public async Task<IReadOnlyList<Guid>> MyOrdersAsync(ShopInstance instance, string? token = null, bool sendToken = true)
    {
        HttpResponseMessage response;
        if (IsApiClient)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/orders");
            request.Headers.Add("Cookie", $"{ShopperIdentity.CookieName}={ShopperCookie(instance)}");
            if (sendToken && (token ?? Token) is { } value)
            {
                request.Headers.Add(ConsistencyScope.HeaderName, value);
            }

            response = await Bare(instance).SendAsync(request);
        }
        else
        {
            response = await _browser.On(instance).GetAsync("api/orders");
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body).EnumerateArray().Select(order => order.GetProperty("id").GetGuid()).ToList();
    }

    /// <summary>GET api/orders as this shopper with an arbitrary header and no session: for forged tokens.</summary>
    public Task<HttpResponseMessage> MyOrdersWithHeaderAsync(ShopInstance instance, string headerValue)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/orders");
        request.Headers.Add("Cookie", $"{ShopperIdentity.CookieName}={ShopperCookie(instance)}");
        request.Headers.TryAddWithoutValidation(ConsistencyScope.HeaderName, headerValue);
        return Bare(instance).SendAsync(request);
    }

    /// <summary>Makes sure the shopper has an identity cookie (the first visit issues it).</summary>
    public async Task IdentifyAsync(ShopInstance instance) => await _browser.GetJsonAsync(instance, "api/cart");

    public string ShopperCookie(ShopInstance instance) =>
        _browser.Cookie(instance, ShopperIdentity.CookieName) ?? throw new InvalidOperationException("no shopper cookie yet");

    public void Dispose()
    {
        _browser.Dispose();
        foreach (var client in _bare.Values)
        {
            client.Dispose();
        }
    }

    private HttpClient Bare(ShopInstance instance)
    {
        lock (_bare)
        {
            if (!_bare.TryGetValue(instance, out var client))
            {
                client = new HttpClient(TestTls.Handler())
                {
                    BaseAddress = instance.BaseAddress,
                    Timeout = TimeSpan.FromSeconds(30),
                };
                _bare[instance] = client;
            }

            return client;
        }
    }
}
