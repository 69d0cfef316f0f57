using System.Net;
using System.Text.Json;

namespace StatelessApp.StackTests.Shop;

/// <summary>What the shop tests read from the shop's answers through the proxies.</summary>
internal static class ShopResponses
{
    public static async Task<int> FirstProductIdAsync(HttpClient client)
    {
        using var response = await client.GetAsync("api/products");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).EnumerateArray().First().GetProperty("id").GetInt32();
    }

    /// <summary>"region/instance" of the app that answered.</summary>
    public static string ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Served-By", out var values) ? values.Single() : "(no X-Served-By)";

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
