using System.Text.Json;

namespace StatelessApp.TestKit.Shop;

/// <summary>What the shop tests read from the shop's answers through the proxies.</summary>
public static class ShopResponses
{
    public static async Task<int> FirstProductIdAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync("api/products");
        response.EnsureSuccessStatusCode();
        return (await ReadJsonAsync(response)).EnumerateArray().First().GetProperty("id").GetInt32();
    }

    /// <summary>"region/instance" of the app that answered.</summary>
    public static string ServedBy(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("X-Served-By", out var values) ? values.Single() : "(no X-Served-By)";
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
