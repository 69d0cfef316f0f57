using System.Net;
using StackExchange.Redis;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// A session is created only when something is stored in it: anonymous browsing (pages, catalogue, an empty cart,
/// health) writes no Redis key and sets no session cookie; the first cart addition writes one.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class SessionCreationTests(ShopServers servers)
{
    private static readonly string[] AnonymousViews = ["/", "/Cart", "/Checkout", "/Orders", "/api/products", "/api/cart", "/api/products/1", "/health/ready"];

    [Fact]
    public async Task Anonymous_requests_create_no_session_until_the_cart_changes()
    {
        var before = await SessionKeysAsync();
        var cookieSet = new List<string>();
        for (var visitor = 0; visitor < 10; visitor++)
        {
            using var shopper = new Shopper(); // a new visitor each time: no cookie at all
            foreach (var path in AnonymousViews)
            {
                using var response = await shopper.On(visitor % 2 == 0 ? servers.App1 : servers.App2).GetAsync(path.TrimStart('/'));
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
                if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
                {
                    cookieSet.AddRange(cookies.Where(c => c.Contains("Session", StringComparison.OrdinalIgnoreCase)).Select(c => $"{path}: {c}"));
                }
            }
        }

        var afterBrowsing = await SessionKeysAsync();
        using var buyer = new Shopper();
        await buyer.AddToCartAsync(servers.App1, productId: 1, quantity: 1);
        var afterAdding = await SessionKeysAsync();

        Assert.Equal(before, afterBrowsing); // 80 anonymous requests, 0 sessions
        Assert.Empty(cookieSet);
        Assert.Equal(before + 1, afterAdding);
    }

    private async Task<int> SessionKeysAsync()
    {
        var admin = await servers.Redis.AdminAsync();
        var server = admin.GetServers().Single();
        return await server.KeysAsync(pattern: "StatelessApp:Session:*").CountAsync();
    }
}
