using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using StatelessApp.TestKit.Http;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.TestKit.Shop;

/// <summary>
/// A shopper whose DNS answer changes between requests, walked the same way through the local stack (StackTests) and
/// the compose stack (ComposeTests): what region A wrote, region B serves, and the other way round.
/// </summary>
public static class CrossRegionJourneys
{
    /// <summary>A cart filled through region A reads back whole through region B.</summary>
    public static async Task CartStartedInAContinuesInBAsync(RegionClients shopper)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        var productId = await FirstProductIdAsync(shopper.A);

        using var added = await shopper.A.PostAsJsonAsync("api/cart/items", new { productId, quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.StartsWith("a/", ServedBy(added), StringComparison.Ordinal);

        using var read = await shopper.B.GetAsync("api/cart");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.StartsWith("b/", ServedBy(read), StringComparison.Ordinal);
        var line = Assert.Single((await ReadJsonAsync(read)).GetProperty("lines").EnumerateArray());
        Assert.Equal(productId, line.GetProperty("productId").GetInt32());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
    }

    /// <summary>A form rendered through region A posts through region B: session cookie and antiforgery token hold there.</summary>
    public static async Task FormRenderedInAPostsInBAsync(RegionClients shopper)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        using var page = await shopper.A.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("a/", ServedBy(page), StringComparison.Ordinal);
        var token = AntiforgeryField.TokenIn(await page.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(token), "the catalogue page has an antiforgery token");
        var productId = await FirstProductIdAsync(shopper.A);

        // The token was issued in region A with the shared key ring; region B must accept it.
        using var posted = await shopper.B.PostAsync("?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["productId"] = productId.ToString(CultureInfo.InvariantCulture),
            ["quantity"] = "1",
            ["__RequestVerificationToken"] = token!,
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith("b/", ServedBy(posted), StringComparison.Ordinal);

        using var cart = await shopper.B.GetAsync("api/cart");
        var line = Assert.Single((await ReadJsonAsync(cart)).GetProperty("lines").EnumerateArray());
        Assert.Equal(productId, line.GetProperty("productId").GetInt32());
    }

    /// <summary>An order placed through region B reads back, same total, through region A.</summary>
    public static async Task OrderPlacedInBReadsBackInAAsync(RegionClients shopper)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        var productId = await FirstProductIdAsync(shopper.B);
        using var added = await shopper.B.PostAsJsonAsync("api/cart/items", new { productId, quantity = 1 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using var placed = await shopper.B.PostAsJsonAsync("api/checkout", new { });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.StartsWith("b/", ServedBy(placed), StringComparison.Ordinal);
        var order = await ReadJsonAsync(placed);

        using var readBack = await shopper.A.GetAsync($"api/orders/{order.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
        Assert.StartsWith("a/", ServedBy(readBack), StringComparison.Ordinal);
        Assert.Equal(order.GetProperty("total").GetDecimal(), (await ReadJsonAsync(readBack)).GetProperty("total").GetDecimal());
    }
}
