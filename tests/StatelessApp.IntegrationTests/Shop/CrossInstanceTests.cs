using System.Net;
using System.Net.Http.Json;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>Nothing a shopper needs stays in an instance: any instance continues what another one started.</summary>
[Collection(SharedShop.Name)]
public sealed class CrossInstanceTests(ShopServers servers)
{
    private ShopInstance App1 => servers.App1;
    private ShopInstance App2 => servers.App2;

    [Fact]
    public async Task Cart_started_on_one_instance_continues_on_the_other()
    {
        using var shopper = new Shopper();

        await shopper.AddToCartAsync(App1, productId: 3, quantity: 2);
        var cart = await shopper.AddToCartAsync(App2, productId: 7, quantity: 1);

        var lines = cart.GetProperty("lines").EnumerateArray()
            .Select(line => (line.GetProperty("productId").GetInt32(), line.GetProperty("quantity").GetInt32()))
            .ToList();
        Assert.Equal([(3, 2), (7, 1)], lines);
        var fromApp1 = await shopper.GetJsonAsync(App1, "api/cart");
        Assert.Equal(3, fromApp1.GetProperty("itemCount").GetInt32());
    }

    /// <summary>The benchmark's StateMode switch left the shipped app (bench/StatelessApp.Bench.Host has it): set, it changes nothing.</summary>
    [Fact]
    public async Task A_StateMode_setting_cannot_make_the_shipped_app_keep_the_cart_to_itself()
    {
        var told = servers.StartInstance("app-statemode", new Dictionary<string, string?> { ["StateMode"] = "Stateful" });
        using var shopper = new Shopper();

        await shopper.AddToCartAsync(told, productId: 3, quantity: 2);
        var elsewhere = await shopper.GetJsonAsync(App2, "api/cart");

        Assert.Equal(2, elsewhere.GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Razor_form_rendered_by_one_instance_posts_on_the_other()
    {
        using var shopper = new Shopper();
        var page = await shopper.On(App1).GetStringAsync("");
        var token = Shopper.AntiforgeryToken(page);

        var post = await shopper.On(App2).PostAsync("?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["productId"] = "5",
            ["quantity"] = "4",
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var cart = await shopper.On(App1).GetStringAsync("Cart");
        Assert.Contains("Earl Grey", cart, StringComparison.Ordinal);
        Assert.Contains("value=\"4\"", cart, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_post_without_antiforgery_token_is_refused()
    {
        using var shopper = new Shopper();
        await shopper.On(App1).GetStringAsync(""); // has cookies, but no token in the post

        var post = await shopper.On(App2).PostAsync("?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["productId"] = "5",
            ["quantity"] = "1",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task Shopper_identity_from_one_instance_owns_the_order_on_the_other()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, productId: 10, quantity: 1);
        Assert.NotNull(shopper.Cookie(App1, ShopperIdentity.CookieName));

        var checkout = await shopper.On(App1).PostAsJsonAsync("api/checkout", new { });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var order = await checkout.ReadJsonAsync();
        var orderId = order.GetProperty("id").GetGuid();
        Assert.Equal($"/api/orders/{orderId}", checkout.Headers.Location?.OriginalString);

        var mine = await shopper.GetJsonAsync(App2, "api/orders");
        Assert.Contains(mine.EnumerateArray(), o => o.GetProperty("id").GetGuid() == orderId);
        var details = await shopper.GetJsonAsync(App2, $"api/orders/{orderId}");
        Assert.Equal(order.GetProperty("total").GetDecimal(), details.GetProperty("total").GetDecimal());
        Assert.Equal(0, (await shopper.GetJsonAsync(App2, "api/cart")).GetProperty("itemCount").GetInt32());

        using var stranger = new Shopper();
        Assert.Empty((await stranger.GetJsonAsync(App2, "api/orders")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.On(App2).GetAsync($"api/orders/{orderId}")).StatusCode);
    }

    [Fact]
    public async Task Checkout_page_places_the_order_and_redirects_to_it()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App2, productId: 1, quantity: 3);
        var token = Shopper.AntiforgeryToken(await shopper.On(App2).GetStringAsync("Checkout"));

        var post = await shopper.On(App1).PostAsync("Checkout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var location = post.Headers.Location!.OriginalString;
        Assert.StartsWith("/Orders/", location, StringComparison.Ordinal);
        var orderPage = await shopper.On(App2).GetStringAsync(location.TrimStart('/'));
        Assert.Contains("Assam Breakfast", orderPage, StringComparison.Ordinal);
        Assert.Contains("19.50", orderPage, StringComparison.Ordinal); // 3 × 6.50
    }

    [Fact]
    public async Task Every_response_names_the_instance_that_served_it()
    {
        using var shopper = new Shopper();

        foreach (var (instance, path) in new[] { (App1, ""), (App2, "api/products"), (App1, "health/ready"), (App2, "api/products/999999") })
        {
            var response = await shopper.On(instance).GetAsync(path);
            Assert.Equal($"a/{instance.Name}", Assert.Single(response.Headers.GetValues("X-Served-By")));
        }
    }

    [Fact]
    public async Task Pages_render_for_a_person()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, 2, 1);

        foreach (var path in new[] { "", "?category=Coffee", "Cart", "Checkout", "Orders", "Status" })
        {
            var response = await shopper.On(App2).GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Contains("Stateless Shop", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Catalogue_api_lists_the_seeded_products_and_filters_by_category()
    {
        using var shopper = new Shopper();

        var all = await shopper.GetJsonAsync(App1, "api/products");
        var tea = await shopper.GetJsonAsync(App1, "api/products?category=Tea");
        var one = await shopper.GetJsonAsync(App2, "api/products/4");

        Assert.Equal(36, all.GetArrayLength());
        Assert.Equal(6, tea.GetArrayLength());
        Assert.Equal("TEA-004", one.GetProperty("sku").GetString());
        Assert.Equal(14.20m, one.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Cart_quantities_can_be_changed_and_lines_removed()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App1, 8, 1);
        await shopper.AddToCartAsync(App1, 9, 1);

        var updated = await shopper.On(App2).PutAsJsonAsync("api/cart/items/8", new { quantity = 5 });
        var removed = await shopper.On(App1).DeleteAsync("api/cart/items/9");
        var removedAgain = await shopper.On(App2).DeleteAsync("api/cart/items/9");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await ProblemAssert.IsProblemAsync(removedAgain, HttpStatusCode.NotFound);
        var cart = await shopper.GetJsonAsync(App2, "api/cart");
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal(8, line.GetProperty("productId").GetInt32());
        Assert.Equal(5, line.GetProperty("quantity").GetInt32());
        Assert.Equal(5 * 9.90m, cart.GetProperty("total").GetDecimal());
    }
}
