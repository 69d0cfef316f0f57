using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Shop;
using StatelessApp.TestKit.Security;
using static StatelessApp.TestKit.Shop.ShopResponses;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// A shopper cookie revoked through one region is refused through the other, at once: the stamp lives in the Redis
/// every instance of both regions reads, through the real proxies.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class ShopperRevocationTests(StackFixture stack)
{
    private const string ShopperCookie = "__Host-StatelessApp.Shopper";

    [Fact]
    public async Task Shopper_cookie_revoked_through_region_A_is_refused_through_region_B()
    {
        using var victim = stack.NewShopper();
        using var added = await victim.A.PostAsJsonAsync("api/cart/items", new { productId = await FirstProductIdAsync(victim.A), quantity = 1 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using var thief = stack.NewShopper();
        thief.Cookies.Add(victim.Cookies.GetAllCookies()); // copied before the revocation
        Assert.Equal(1, await ItemCountAsync(thief.B)); // the copy works through region B, for now
        var stolen = ShopperCookieValue(thief);

        using var revoked = await victim.A.PostAsJsonAsync("api/shopper/sign-out-everywhere", new { });
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.StartsWith("a/", ServedBy(revoked), StringComparison.Ordinal);

        using var replay = await thief.B.GetAsync("api/cart");
        var items = (await ReadJsonAsync(replay)).GetProperty("itemCount").GetInt32();
        var replaced = ShopperCookieValue(thief) != stolen;
        SecurityAttempts.Record("browser → proxy-b → app", "a copied shopper cookie replayed through region B right after sign-out-everywhere through region A",
            $"{(int)replay.StatusCode} from {ServedBy(replay)}, cart of {items} items, {(replaced ? "a new anonymous shopper cookie" : "the same shopper")}",
            items == 0 && replaced);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.StartsWith("b/", ServedBy(replay), StringComparison.Ordinal);
        Assert.Equal(0, items);
        Assert.True(replaced);

        Assert.Equal(1, await ItemCountAsync(victim.B)); // the victim's re-issued cookie works in both regions
    }

    private static string? ShopperCookieValue(RegionClients shopper) =>
        shopper.Cookies.GetAllCookies().FirstOrDefault(cookie => cookie.Name == ShopperCookie)?.Value;

    private static async Task<int> ItemCountAsync(HttpClient client)
    {
        using var response = await client.GetAsync("api/cart");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("itemCount").GetInt32();
    }
}
