using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Shop;
using StatelessApp.TestKit.Stacks;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.StackTests.Shop;

/// <summary>A shopper whose DNS answer changes between requests lands in the other region and notices nothing.</summary>
[Collection(StackTestGroup.Name)]
public class CrossRegionTests(StackFixture stack)
{
    [Fact]
    public async Task A_cart_started_through_region_A_continues_through_region_B()
    {
        using var shopper = stack.NewShopper();
        await CrossRegionJourneys.CartStartedInAContinuesInBAsync(shopper);
    }

    [Fact]
    public async Task A_form_rendered_through_region_A_posts_through_region_B()
    {
        using var shopper = stack.NewShopper();
        await CrossRegionJourneys.FormRenderedInAPostsInBAsync(shopper);
    }

    [Fact]
    public async Task An_order_placed_through_region_B_lands_on_the_primary_and_reads_back_through_region_A()
    {
        using var shopper = stack.NewShopper();
        var productId = await FirstProductIdAsync(shopper.B);
        using (var added = await shopper.B.PostAsJsonAsync("api/cart/items", new { productId, quantity = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var placed = await shopper.B.PostAsJsonAsync("api/checkout", new { });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.StartsWith("b/", ServedBy(placed), StringComparison.Ordinal);
        var order = await ReadJsonAsync(placed);
        var orderId = order.GetProperty("id").GetGuid();
        var total = order.GetProperty("total").GetDecimal();

        // On the primary, whichever region holds it now (Patroni decides; the status says which).
        var primary = await stack.Controller.AnsweringPrimaryAsync(NodeKind.Postgres);
        await using (var connection = new NpgsqlConnection(
            stack.Controller.Context.PostgresConnectionString([primary], "shop", stack.Controller.Context.Secrets.ShopDbPassword)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "Total", pg_is_in_recovery() FROM orders WHERE "Id" = $1""", connection);
            command.Parameters.AddWithValue(orderId);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "the order is in the primary's orders table");
            Assert.Equal(total, reader.GetDecimal(0));
            Assert.False(reader.GetBoolean(1), "that node is the primary");
        }

        using var readBack = await shopper.A.GetAsync($"api/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
        Assert.StartsWith("a/", ServedBy(readBack), StringComparison.Ordinal);
        Assert.Equal(total, (await ReadJsonAsync(readBack)).GetProperty("total").GetDecimal());
    }
}
