using System.Net;
using System.Net.Http.Json;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// Redis or the PostgreSQL primary goes away: readiness says "Degraded" but stays 200 (every instance shares the server,
/// so the proxies must keep them all), what needs the missing server answers 503 ProblemDetails, liveness stays 200 (a
/// restart would not help), and the instance recovers by itself when the server is back. Owns its servers: it stops them.
/// </summary>
public sealed class OutageTests(ShopServers servers) : IClassFixture<ShopServers>
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    private ShopInstance App => servers.App1;

    [Fact]
    public async Task Redis_down_means_degraded_and_503_for_the_cart_then_recovery_without_restart()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, 2, 1);
        Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("health/ready")).StatusCode);

        servers.Redis.Stop();
        try
        {
            await WaitForReadinessAsync(shopper, "\"redis\":\"Degraded\"");
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("health/live")).StatusCode);
            await ProblemAssert.IsProblemAsync(await shopper.On(App).GetAsync("api/cart"), HttpStatusCode.ServiceUnavailable);
            await ProblemAssert.IsProblemAsync(
                await shopper.On(App).PostAsJsonAsync("api/cart/items", new { productId = 3, quantity = 1 }),
                HttpStatusCode.ServiceUnavailable);
            await ProblemAssert.IsProblemAsync(await shopper.On(App).GetAsync("Cart"), HttpStatusCode.ServiceUnavailable);

            // The shopper cookie's stamp cannot be checked: the cookie is accepted on its seal (not replaced, not a 5xx
            // for a page that needs no Redis), and a revocation, which needs Redis, is a 503.
            var identity = shopper.Cookie(App, ShopperIdentity.CookieName);
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("api/products/2")).StatusCode);
            Assert.Equal(identity, shopper.Cookie(App, ShopperIdentity.CookieName));
            await ProblemAssert.IsProblemAsync(await shopper.On(App).PostAsJsonAsync("api/shopper/sign-out-everywhere", new { }),
                HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await servers.Redis.StartAsync();
        }

        await WaitForReadinessAsync(shopper, "\"status\":\"Healthy\"");
        var cart = await shopper.GetJsonAsync(App, "api/cart");
        Assert.Equal(1, cart.GetProperty("itemCount").GetInt32()); // AOF: the cart survived the crash
    }

    [Fact]
    public async Task Primary_down_means_degraded_and_503_for_checkout_while_the_catalogue_and_my_orders_still_work_then_recovery()
    {
        using var shopper = new Shopper();
        await shopper.AddToCartAsync(App, 4, 1);

        await servers.Postgres.StopPrimaryAsync();
        try
        {
            await WaitForReadinessAsync(shopper, "\"postgres-primary\":\"Degraded\"");
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("health/live")).StatusCode);
            await ProblemAssert.IsProblemAsync(await shopper.On(App).PostAsJsonAsync("api/checkout", new { }), HttpStatusCode.ServiceUnavailable);
            // Reads go to the standby, which is still up: the catalogue, and "my orders" of a shopper with no recent
            // write (a shopper whose token the standby has not reached would read the primary: 503).
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("api/products/4")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("api/orders")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await shopper.On(App).GetAsync("Orders")).StatusCode);
            Assert.Equal(1, (await shopper.GetJsonAsync(App, "api/cart")).GetProperty("itemCount").GetInt32());
        }
        finally
        {
            await servers.Postgres.StartPrimaryAsync();
        }

        await WaitForReadinessAsync(shopper, "\"status\":\"Healthy\"");
        await WaitForStatusAsync(shopper, "api/orders", HttpStatusCode.OK);
        var checkout = await shopper.On(App).PostAsJsonAsync("api/checkout", new { });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
    }

    /// <summary>Waits until /health/ready (always 200 here: nothing drains) reports <paramref name="expected"/>.</summary>
    private Task<string> WaitForReadinessAsync(Shopper shopper, string expected) =>
        Poll.UntilAsync($"/health/ready to report {expected}", async cancellationToken =>
            {
                using var ready = await shopper.On(App).GetAsync("health/ready", cancellationToken);
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                return await ready.Content.ReadAsStringAsync(cancellationToken);
            },
            body => body.Contains(expected, StringComparison.Ordinal), RecoveryTimeout, interval: TimeSpan.FromMilliseconds(200));

    private Task<HttpStatusCode> WaitForStatusAsync(Shopper shopper, string path, HttpStatusCode expected) =>
        Poll.UntilAsync($"{path} to answer {(int)expected}", async cancellationToken => (await shopper.On(App).GetAsync(path, cancellationToken)).StatusCode,
            status => status == expected, RecoveryTimeout, interval: TimeSpan.FromMilliseconds(200));
}
