using System.Net;
using System.Net.Http.Json;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The per-shopper order cap (RateLimits:Orders), counted from the orders on the primary: shared by every instance,
/// exact under concurrent checkouts, and never in the way of a replayed key.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class OrderCapTests(ShopServers servers)
{
    private static readonly Dictionary<string, string?> ThreeAnHour = new()
    {
        ["RateLimits:Orders:PermitLimit"] = "3",
        ["RateLimits:Orders:Window"] = "01:00:00",
    };

    [Fact]
    public async Task The_fourth_order_in_the_window_is_a_429_on_any_instance_and_a_replay_still_answers()
    {
        var (one, two) = (servers.StartInstance("capped-1", ThreeAnHour), servers.StartInstance("capped-2", ThreeAnHour));
        using var shopper = new Shopper();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var instance = i % 2 == 0 ? one : two;
            await shopper.AddToCartAsync(instance, productId: 2, quantity: 1);
            keys.Add(IdempotencyKey.New());
            using var placed = await CheckoutAsync(shopper, instance, keys[^1]);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }

        await shopper.AddToCartAsync(two, productId: 2, quantity: 1);
        using var refused = await CheckoutAsync(shopper, two, IdempotencyKey.New());
        var cartAfterRefusal = (await shopper.GetJsonAsync(one, "api/cart")).GetProperty("itemCount").GetInt32();
        using var replay = await CheckoutAsync(shopper, one, keys[0]);

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.Equal("Orders", problem.GetProperty("limit").GetString());
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 3000, 3600); // when the first of the three leaves the hour
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(3, (await shopper.GetJsonAsync(one, "api/orders")).GetArrayLength());
        Assert.Equal(1, cartAfterRefusal); // refused: the cart is kept
    }

    [Fact]
    public async Task Concurrent_checkouts_of_one_shopper_on_two_instances_place_exactly_the_cap()
    {
        var (one, two) = (servers.StartInstance("capped-3", ThreeAnHour), servers.StartInstance("capped-4", ThreeAnHour));
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(one, productId: 5, quantity: 1);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CheckoutAsync(shopper, i % 2 == 0 ? one : two, IdempotencyKey.New())));

        // Each checkout reads the cart when it starts: one that starts after an earlier one emptied it has nothing to
        // order (400), which on a loaded machine can leave the race under the cap. Never over it, and a refusal only at it.
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var placed = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.All(statuses, s => Assert.Contains(s, (HttpStatusCode[])[HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.BadRequest]));
        Assert.InRange(placed, 1, 3);
        Assert.True(placed == 3 || !statuses.Contains(HttpStatusCode.TooManyRequests), $"refused under the cap: {string.Join(", ", statuses)}");
        foreach (var emptyCart in responses.Where(r => r.StatusCode == HttpStatusCode.BadRequest))
        {
            Assert.Contains("The cart is empty.", await emptyCart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(placed, (await shopper.GetJsonAsync(two, "api/orders")).GetArrayLength());
        // Exactly the cap: what the race left is placed, on either instance, and the next one is refused.
        for (var i = placed; i < 3; i++)
        {
            await shopper.AddToCartAsync(one, productId: 5, quantity: 1);
            using var more = await CheckoutAsync(shopper, i % 2 == 0 ? one : two, IdempotencyKey.New());
            Assert.Equal(HttpStatusCode.Created, more.StatusCode);
        }

        await shopper.AddToCartAsync(one, productId: 5, quantity: 1);
        using var refused = await CheckoutAsync(shopper, two, IdempotencyKey.New());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(3, (await shopper.GetJsonAsync(one, "api/orders")).GetArrayLength());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static Task<HttpResponseMessage> CheckoutAsync(Shopper shopper, ShopInstance instance, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(IdempotencyKey.HeaderName, key);
        return shopper.On(instance).SendAsync(request);
    }
}
