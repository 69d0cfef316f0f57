using System.Net;
using System.Net.Http.Json;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// POST /api/cart/items with an Idempotency-Key (what a failover-capable client repeats after a lost connection) adds
/// once, on any instance; without a key every POST adds.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class IdempotentCartAdditionTests(ShopServers servers)
{
    [Fact]
    public async Task The_same_key_on_the_other_instance_adds_once_and_says_it_was_a_replay()
    {
        using var shopper = new Shopper();
        var key = IdempotencyKey.New();

        var first = await AddAsync(shopper, servers.App1, productId: 5, quantity: 2, key);
        var repeat = await AddAsync(shopper, servers.App2, productId: 5, quantity: 2, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(2, (await shopper.GetJsonAsync(servers.App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task A_new_key_or_no_key_adds_again()
    {
        using var shopper = new Shopper();

        await AddAsync(shopper, servers.App1, productId: 7, quantity: 1, IdempotencyKey.New());
        await AddAsync(shopper, servers.App2, productId: 7, quantity: 1, IdempotencyKey.New());
        await AddAsync(shopper, servers.App1, productId: 7, quantity: 1, key: null);

        Assert.Equal(3, (await shopper.GetJsonAsync(servers.App2, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task A_malformed_key_is_a_400_problem_and_adds_nothing()
    {
        using var shopper = new Shopper();
        await AddAsync(shopper, servers.App1, productId: 3, quantity: 1, IdempotencyKey.New());

        var refused = await AddAsync(shopper, servers.App1, productId: 3, quantity: 1, "has space");

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(IdempotencyKey.HeaderName, out _));
        Assert.Equal(1, (await shopper.GetJsonAsync(servers.App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    private static Task<HttpResponseMessage> AddAsync(Shopper shopper, ShopInstance instance, int productId, int quantity, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/cart/items") { Content = JsonContent.Create(new { productId, quantity }) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, key);
        }

        return shopper.On(instance).SendAsync(request);
    }
}
