using System.Net.Http.Json;
using System.Text.Json;

namespace StatelessApp.Bench;

/// <summary>
/// Shoppers made through the proxy with the public API, the way a browser would: each POST /api/cart/items of a new
/// visitor yields a shopper cookie and a session cookie. Kept as one Cookie header value a line, for wrk/shop.lua.
/// Works the same whatever the app keeps its sessions in, so the stateful build gets the same shoppers.
/// </summary>
public sealed class ShopperPool(HttpClient http, Uri proxy)
{
    private const int Parallelism = 8;

    /// <summary>Catalogue product ids, in the order the API lists them.</summary>
    public async Task<IReadOnlyList<int>> ProductIdsAsync(CancellationToken cancellationToken)
    {
        using var products = await http.GetFromJsonAsync<JsonDocument>(new Uri(proxy, "/api/products"), cancellationToken)
            ?? throw new InvalidOperationException("GET /api/products answered nothing");
        return [.. products.RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetInt32())];
    }

    /// <summary>Creates <paramref name="count"/> shoppers, each with one unit of every given product in the cart.</summary>
    public async Task<IReadOnlyList<string>> CreateAsync(int count, IReadOnlyList<int> cartProducts, CancellationToken cancellationToken)
    {
        var shoppers = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) => shoppers[index] = await CreateOneAsync(cartProducts, token));
        return shoppers;
    }

    public static async Task WriteAsync(string file, IReadOnlyList<string> shoppers, CancellationToken cancellationToken) =>
        await File.WriteAllLinesAsync(file, shoppers, cancellationToken);

    private async Task<string> CreateOneAsync(IReadOnlyList<int> cartProducts, CancellationToken cancellationToken)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var product in cartProducts)
        {
            using var response = await AddToCartAsync(product, cookies, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"creating a shopper: POST /api/cart/items answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = setCookie.Split(';', 2)[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                cookies[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
            }
        }

        if (cookies.Count < 2)
        {
            throw new InvalidOperationException($"creating a shopper: expected a shopper and a session cookie, got {string.Join(", ", cookies.Keys)}");
        }

        return Header(cookies);
    }

    /// <summary>
    /// POST /api/cart/items, repeated on 502/503/504 for up to ten seconds: on a loaded machine the proxy may take the
    /// only instance out for a moment when a readiness probe is slow, and a shopper being set up is not a measurement.
    /// </summary>
    private async Task<HttpResponseMessage> AddToCartAsync(int product, Dictionary<string, string> cookies, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy, "/api/cart/items"))
            {
                Content = JsonContent.Create(new { productId = product, quantity = 1 }),
            };
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", Header(cookies));
            }

            var response = await http.SendAsync(request, cancellationToken);
            if (attempt >= 40 || (int)response.StatusCode is not (502 or 503 or 504))
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static string Header(Dictionary<string, string> cookies) => string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));
}
