using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.StackTests;

/// <summary>
/// Read-your-writes through the real stack: a checkout through one region's proxy, "my orders" through the other's, with
/// the PostgreSQL standby (Patroni replica in the other region) held 300 ms behind on purpose. Zero stale reads.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class ReadYourWritesTests(StackFixture stack, ITestOutputHelper output)
{
    private const string TokenHeader = "X-Consistency-Token";

    [Fact]
    public async Task Orders_placed_through_one_region_are_always_seen_through_the_other_with_a_lagging_standby()
    {
        var nodes = await stack.Controller.StatusAsync();
        var primary = nodes.Single(s => s.Node.Kind == NodeKind.Postgres && s.Probe.Role == "primary").Node;
        var standby = nodes.Single(s => s.Node.Kind == NodeKind.Postgres && s.Probe.Role == "standby").Node;
        // Warm-up: the first checkouts of freshly started instances (JIT, EF query compilation) can take longer than
        // the delay on a loaded machine, which would hide the lag from the negative control below.
        using (var warmUp = stack.NewShopper())
        {
            for (var i = 0; i < 4; i++)
            {
                await PlaceOrderAsync(i % 2 == 0 ? warmUp.A : warmUp.B);
            }
        }

        // 2 s rather than the in-process tests' 300 ms, for the same reason; the reads' cost does not depend on it
        // (a read waits at most MaxWait, 50 ms, then goes to the primary).
        await SetApplyDelayAsync(standby, "2s");
        try
        {
            // Negative control: the standby really is behind right after a commit.
            using (var probe = stack.NewShopper())
            await using (var onStandby = await OpenAsync(standby))
            {
                var orderId = await PlaceOrderAsync(probe.A);
                Assert.False(await OrderExistsAsync(onStandby, orderId.Id), "the standby already had the order: no lag to protect against");
                await using var onPrimary = await OpenAsync(primary);
                Assert.True(await OrderExistsAsync(onPrimary, orderId.Id));
            }

            const int shoppers = 8, cyclesEach = 25;
            var stale = 0;
            var servedBy = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            await Parallel.ForEachAsync(Enumerable.Range(0, shoppers), new ParallelOptions { MaxDegreeOfParallelism = shoppers },
                async (index, cancellationToken) =>
                {
                    using var shopper = stack.NewShopper();
                    var placed = new List<Guid>();
                    for (var cycle = 0; cycle < cyclesEach; cycle++)
                    {
                        var (writer, reader) = (index + cycle) % 2 == 0 ? (shopper.A, shopper.B) : (shopper.B, shopper.A);
                        var (id, token) = await PlaceOrderAsync(writer);
                        placed.Add(id);

                        // Browsers carry the token in the session; every other shopper also sends it back as API clients do.
                        using var request = new HttpRequestMessage(HttpMethod.Get, "api/orders");
                        if (index % 2 == 1)
                        {
                            request.Headers.Add(TokenHeader, token);
                        }

                        using var response = await reader.SendAsync(request, cancellationToken);
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        servedBy.AddOrUpdate(response.Headers.GetValues("X-Served-By").Single(), 1, (_, n) => n + 1);
                        var mine = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement
                            .EnumerateArray().Select(order => order.GetProperty("id").GetGuid()).ToHashSet();
                        if (!placed.All(mine.Contains))
                        {
                            Interlocked.Increment(ref stale);
                        }
                    }
                });

            output.WriteLine($"{shoppers * cyclesEach} cycles, reads served by: {string.Join(", ", servedBy.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
            Assert.Equal(0, stale);
            Assert.Contains(servedBy.Keys, key => key.StartsWith("a/", StringComparison.Ordinal));
            Assert.Contains(servedBy.Keys, key => key.StartsWith("b/", StringComparison.Ordinal));
        }
        finally
        {
            await SetApplyDelayAsync(standby, null);
        }
    }

    private static async Task<(Guid Id, string Token)> PlaceOrderAsync(HttpClient client)
    {
        using (var added = await client.PostAsJsonAsync("api/cart/items", new { productId = 1, quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var placed = await client.PostAsync("api/checkout", content: null);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        return (id, placed.Headers.GetValues(TokenHeader).Single());
    }

    private async Task<NpgsqlConnection> OpenAsync(Node node)
    {
        var connection = new NpgsqlConnection(
            $"Host={node.Address};Port={node.Port};Database=shop;Username=shop;Password={stack.Controller.Context.Secrets.ShopDbPassword};Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> OrderExistsAsync(NpgsqlConnection connection, Guid orderId)
    {
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM orders WHERE "Id" = $1""", connection);
        command.Parameters.AddWithValue(orderId);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <summary>ALTER SYSTEM on the standby (postgresql.auto.conf, which Patroni leaves alone) + reload; null resets it.</summary>
    private async Task SetApplyDelayAsync(Node standby, string? delay)
    {
        await using var connection = new NpgsqlConnection(
            $"Host={standby.Address};Port={standby.Port};Database=postgres;Username=postgres;" +
            $"Password={stack.Controller.Context.Secrets.PostgresSuperuserPassword};Pooling=false");
        await connection.OpenAsync();
        var statement = delay is null ? "ALTER SYSTEM RESET recovery_min_apply_delay" : $"ALTER SYSTEM SET recovery_min_apply_delay = '{delay}'";
        foreach (var sql in new[] { statement, "SELECT pg_reload_conf()" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        await Task.Delay(200); // the reload is a signal: give the startup process a moment to take the new value
        await using var show = new NpgsqlCommand("SHOW recovery_min_apply_delay", connection);
        var shown = (string)(await show.ExecuteScalarAsync())!;
        output.WriteLine($"recovery_min_apply_delay on {standby.Name}: {shown}");
        Assert.Equal(delay ?? "0", shown);
    }
}
