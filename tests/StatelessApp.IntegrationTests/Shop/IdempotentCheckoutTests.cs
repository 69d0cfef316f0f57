using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using StatelessApp.Hosting.Failures;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// A checkout resent with the same idempotency key (a lost answer, a proxy retry, a double click) yields the order
/// the first one placed, on any instance, also when the copies race; counted in the primary's orders table.
/// </summary>
[Collection(SharedShop.Name)]
public sealed partial class IdempotentCheckoutTests(ShopServers servers)
{
    private ShopInstance App1 => servers.App1;
    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Same_key_on_the_other_instance_returns_the_same_order_and_places_it_once()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 4, quantity: 2);
        var key = IdempotencyKey.New();

        var first = await CheckoutAsync(shopper, App1, key);
        var second = await CheckoutAsync(shopper, App2, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var firstId = (await first.ReadJsonAsync()).GetProperty("id").GetGuid();
        var secondOrder = await second.ReadJsonAsync();
        Assert.Equal(firstId, secondOrder.GetProperty("id").GetGuid());
        Assert.Equal(2, secondOrder.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1L, await OrdersWithKeyAsync(key));
        Assert.Single((await shopper.GetJsonAsync(App2, "api/orders")).EnumerateArray());
        Assert.Equal(2, await ItemCountAsync(firstId)); // written at checkout: the expand step of orders.ItemCount
    }

    [Fact]
    public async Task Concurrent_copies_of_one_checkout_on_two_instances_place_one_order()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App2, productId: 9, quantity: 1);
        var key = IdempotencyKey.New();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CheckoutAsync(shopper, i % 2 == 0 ? App1 : App2, key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(7, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(1L, await OrdersWithKeyAsync(key));
    }

    [Fact]
    public async Task A_new_key_places_a_new_order()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 2, quantity: 1);
        var first = await CheckoutAsync(shopper, App1, IdempotencyKey.New());
        await shopper.AddToCartAsync(App1, productId: 2, quantity: 1);

        var second = await CheckoutAsync(shopper, App2, IdempotencyKey.New());

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual((await first.ReadJsonAsync()).GetProperty("id").GetGuid(), (await second.ReadJsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal(2, (await shopper.GetJsonAsync(App1, "api/orders")).GetArrayLength());
    }

    [Fact]
    public async Task A_new_key_with_an_empty_cart_is_refused()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 2, quantity: 1);
        var key = IdempotencyKey.New();
        await CheckoutAsync(shopper, App1, key);

        var again = await CheckoutAsync(shopper, App1, IdempotencyKey.New());

        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.BadRequest);
        Assert.Single((await shopper.GetJsonAsync(App1, "api/orders")).EnumerateArray());
    }

    [Fact]
    public async Task Replay_empties_a_cart_that_still_holds_the_order_and_keeps_one_that_changed()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 8, quantity: 2);
        var key = IdempotencyKey.New();
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(shopper, App1, key)).StatusCode);

        // As if the first attempt's cart change had been lost: the cart holds exactly the order again.
        await shopper.AddToCartAsync(App2, productId: 8, quantity: 2);
        var replay = await CheckoutAsync(shopper, App2, key);
        Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(0, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());

        // A cart that changed since is the next order: a replay leaves it alone.
        await shopper.AddToCartAsync(App2, productId: 9, quantity: 1);
        await CheckoutAsync(shopper, App1, key);
        Assert.Equal(1, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
        Assert.Equal(1L, await OrdersWithKeyAsync(key));
    }

    [Fact]
    public async Task Keys_belong_to_their_shopper()
    {
        using var alice = new Shopper();
        using var bob = new Shopper();
        await alice.AddToCartAsync(App1, productId: 3, quantity: 1);
        await bob.AddToCartAsync(App1, productId: 5, quantity: 1);
        var key = IdempotencyKey.New();

        var aliceOrder = await (await CheckoutAsync(alice, App1, key)).ReadJsonAsync();
        var bobResponse = await CheckoutAsync(bob, App2, key);

        Assert.Equal(HttpStatusCode.Created, bobResponse.StatusCode);
        Assert.False(bobResponse.Headers.Contains("Idempotent-Replayed"));
        var bobOrder = await bobResponse.ReadJsonAsync();
        Assert.NotEqual(aliceOrder.GetProperty("id").GetGuid(), bobOrder.GetProperty("id").GetGuid());
        Assert.Equal(5, bobOrder.GetProperty("lines")[0].GetProperty("productId").GetInt32());
        Assert.Equal(2L, await OrdersWithKeyAsync(key));
    }

    [Fact]
    public async Task An_order_no_standby_confirms_is_a_503_and_the_same_key_returns_it_once_one_does()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 6, quantity: 3);
        var key = IdempotencyKey.New();

        HttpResponseMessage unconfirmed;
        await using (await servers.Postgres.FreezeStandbyReceiverAsync())
        {
            unconfirmed = await CheckoutAsync(shopper, App1, key);
        }

        var problem = await ProblemAssert.IsProblemAsync(unconfirmed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Write not confirmed", problem.GetProperty("title").GetString());
        Assert.Equal(TimeSpan.FromSeconds(ServiceUnavailable.RetryAfterSeconds), unconfirmed.Headers.RetryAfter?.Delta);
        Assert.Equal(1L, await OrdersWithKeyAsync(key)); // saved, just not acknowledged
        Assert.Equal(3, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32()); // still in the cart

        var repeated = await CheckoutAsync(shopper, App2, key);

        Assert.Equal(HttpStatusCode.Created, repeated.StatusCode);
        Assert.Equal("true", Assert.Single(repeated.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(3, (await repeated.ReadJsonAsync()).GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        Assert.Equal(1L, await OrdersWithKeyAsync(key));
        Assert.Equal(0, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/and,comma")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Malformed_key_is_a_400_problem(string key)
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 2, quantity: 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, key);

        var problem = await ProblemAssert.IsProblemAsync(await shopper.On(App1).SendAsync(request), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(IdempotencyKey.HeaderName, out _));
        Assert.Equal(1, (await shopper.GetJsonAsync(App1, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Checkout_form_posted_twice_places_one_order()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App2, productId: 6, quantity: 1);
        var page = await shopper.On(App2).GetStringAsync("Checkout");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Shopper.AntiforgeryToken(page),
            [IdempotencyKey.FormField] = KeyField().Match(page).Groups[1].Value,
        };
        Assert.NotEmpty(form[IdempotencyKey.FormField]);

        var first = await shopper.On(App1).PostAsync("Checkout", new FormUrlEncodedContent(form));
        var second = await shopper.On(App2).PostAsync("Checkout", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1L, await OrdersWithKeyAsync(form[IdempotencyKey.FormField]));
    }

    private static Task<HttpResponseMessage> CheckoutAsync(Shopper shopper, ShopInstance instance, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(IdempotencyKey.HeaderName, key);
        return shopper.On(instance).SendAsync(request);
    }

    private async Task<long> OrdersWithKeyAsync(string key) =>
        (long)(await PostgresCluster.AdminScalarAsync(servers.Postgres.Primary,
            $"SELECT count(*) FROM orders WHERE \"IdempotencyKey\" = '{key}'", PostgresCluster.DatabaseName))!;

    private async Task<int?> ItemCountAsync(Guid order) =>
        (int?)await PostgresCluster.AdminScalarAsync(servers.Postgres.Primary,
            $"SELECT \"ItemCount\" FROM orders WHERE \"Id\" = '{order}'", PostgresCluster.DatabaseName);

    [GeneratedRegex("""name="idempotencyKey" value="([^"]+)""")]
    private static partial Regex KeyField();
}
