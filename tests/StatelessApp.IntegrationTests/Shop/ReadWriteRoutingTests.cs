using System.Net;
using System.Net.Http.Json;
using Npgsql;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The catalogue is read from the standby and orders are written on the primary. Proven by pausing the standby's
/// replay and renaming a product on the primary: whoever shows the old name read from the standby.
/// Owns its servers: it stops the standby.
/// </summary>
public sealed class ReadWriteRoutingTests : IClassFixture<ShopServers>
{
    private readonly ShopServers _servers;

    public ReadWriteRoutingTests(ShopServers servers) => _servers = servers;

    private PostgresCluster Postgres => _servers.Postgres;

    [Fact]
    public async Task Catalogue_comes_from_the_standby_orders_go_to_the_primary_and_a_stopped_standby_falls_back_to_the_primary()
    {
        using var shopper = new Shopper();
        var app = _servers.App1;

        var status = await shopper.GetJsonAsync(app, "api/status");
        Assert.Equal(Postgres.Standby.Port, status.GetProperty("reads").GetProperty("port").GetInt32());
        Assert.True(status.GetProperty("reads").GetProperty("inRecovery").GetBoolean());
        Assert.Equal(Postgres.Primary.Port, status.GetProperty("writes").GetProperty("port").GetInt32());
        Assert.False(status.GetProperty("writes").GetProperty("inRecovery").GetBoolean());

        // Freeze the standby, then change the product on the primary only.
        await PostgresCluster.AdminScalarAsync(Postgres.Standby, "SELECT pg_wal_replay_pause()");
        try
        {
            await ExecuteOnPrimaryAsync("UPDATE products SET \"Name\" = 'Renamed on primary' WHERE \"Id\" = 19");

            var product = await shopper.GetJsonAsync(app, "api/products/19");
            Assert.Equal("Stoneware Mug", product.GetProperty("name").GetString()); // standby's (old) copy

            await shopper.AddToCartAsync(app, 19, 1);
            var checkout = await shopper.On(_servers.App2).PostAsJsonAsync("api/checkout", new { });
            Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
            var order = await checkout.ReadJsonAsync();
            // Checkout read the product inside its transaction on the primary.
            Assert.Equal("Renamed on primary", order.GetProperty("lines")[0].GetProperty("name").GetString());
            // "My orders" carries the checkout's token: the standby is frozen behind it, so the read goes to the primary
            // and the order is there although the standby has not seen it.
            var mine = await shopper.GetJsonAsync(app, "api/orders");
            Assert.Single(mine.EnumerateArray());
        }
        finally
        {
            await PostgresCluster.AdminScalarAsync(Postgres.Standby, "SELECT pg_wal_replay_resume()");
        }

        await Postgres.StopStandbyAsync();
        try
        {
            var fallback = await shopper.On(app).GetAsync("api/products/19");
            Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
            Assert.Equal("Renamed on primary", (await fallback.ReadJsonAsync()).GetProperty("name").GetString());
            var catalogue = await shopper.On(app).GetAsync("");
            Assert.Equal(HttpStatusCode.OK, catalogue.StatusCode);
            // The status report's database part is cached for up to DatabaseNodesCache.MaxAge: it shows the fallback once it expires.
            await Poll.UntilAsync("the status report to show reads on the primary",
                async _ => (await shopper.GetJsonAsync(app, "api/status")).GetProperty("reads").GetProperty("port").GetInt32(),
                port => port == Postgres.Primary.Port, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Postgres.StartStandbyAsync();
        }
    }

    private async Task ExecuteOnPrimaryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Postgres.PrimaryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
