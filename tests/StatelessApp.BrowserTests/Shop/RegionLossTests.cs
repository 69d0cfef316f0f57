using StatelessApp.BrowserTests.Browsers;
using StatelessApp.BrowserTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.BrowserTests.Shop;

/// <summary>A shopper's browser across the loss of a whole region: what they had is still theirs in the other one.</summary>
[Collection(BrowserStackGroup.Name)]
public sealed class RegionLossTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    /// <summary>Bounds a person's reloads while Redis (about 3 s) and PostgreSQL (about 12 s, docs/failover.md) fail over.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task An_anonymous_cart_survives_the_loss_of_region_A_and_is_checked_out_in_region_B()
    {
        await stack.EnsureWholeAsync();
        await using var scenario = new BrowserScenario(stack, output);
        var shopper = scenario.NewShopper("anonymous");
        await scenario.RunAsync(async () =>
        {
            var page = await shopper.InRegionAsync("a");
            var first = await page.AddToCartAsync(0);
            var second = await page.AddToCartAsync(1);
            Assert.StartsWith("a/", await page.ServedByAsync(), StringComparison.Ordinal);
            Assert.Equal([first, second], await page.CartLinesAsync());
            scenario.Log($"cart in region A: {first}, {second}");

            var killed = stack.KillRegion("a");
            scenario.Log($"killed region A: {string.Join(", ", killed.Select(n => n.Name))}");

            page = await shopper.InRegionAsync("b");
            var loads = await page.ReloadUntilServedAsync("/Cart", FailoverBound);
            scenario.Log($"the cart page answered in region B after {loads} load(s), served by {await page.ServedByAsync()}");
            Assert.Equal([first, second], await page.CartLinesAsync());
            Assert.StartsWith("b/", await page.ServedByAsync(), StringComparison.Ordinal);

            var order = await page.PlaceOrderAsync(FailoverBound);
            scenario.Log($"order {order} placed in region B");
            Assert.Equal([first, second], (await page.OrderLinesAsync()).Order(StringComparer.Ordinal));
            Assert.Contains(order, await page.MyOrdersAsync());
            Assert.Empty(await page.CartLinesAsync());
        });
    }
}
