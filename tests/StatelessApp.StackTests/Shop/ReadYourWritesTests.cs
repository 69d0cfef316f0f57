using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Stacks;
using Xunit.Abstractions;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// Read-your-writes through the real stack: a checkout through one region's proxy, "my orders" through the other's, with
/// the PostgreSQL standby (Patroni replica in the other region) kept behind on purpose. Zero stale reads.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class ReadYourWritesTests(StackFixture stack, ITestOutputHelper output)
{
    private const string TokenHeader = "X-Consistency-Token";

    [Fact]
    public async Task Orders_placed_through_one_region_are_always_seen_through_the_other_with_a_lagging_standby()
    {
        var primary = await stack.Controller.AnsweringPrimaryAsync(NodeKind.Postgres);
        var standby = stack.Topology.NodesOf(NodeKind.Postgres).Single(node => node != primary);

        // The lag is made by pausing the standby's replay: paused 250 ms, resumed 50 ms, over and over, so reads meet a
        // standby that is sometimes a little, sometimes well behind. Patroni resumes a paused replay (and drops an
        // ALTER SYSTEM recovery_min_apply_delay) as it manages its node, so the cluster is put in Patroni's
        // maintenance mode for the test; failover is off meanwhile, which this test does not need.
        await SetPatroniPausedAsync(primary, paused: true);
        // The superuser, through the standby's Unix socket (pg_hba refuses it from the network).
        await using var admin = new NpgsqlConnection(PatroniServer.SuperuserConnectionString(standby, stack.Controller.Context) + ";Pooling=false");
        await admin.OpenAsync();
        using var stopLagging = new CancellationTokenSource();
        Task? lagging = null;
        try
        {
            await ExecuteAsync(admin, "SELECT pg_wal_replay_pause()");
            // Negative control: the standby really is behind right after a commit.
            using (var probe = stack.NewShopper())
            await using (var onStandby = await OpenAsync(standby))
            await using (var onPrimary = await OpenAsync(primary))
            {
                var (orderId, _) = await PlaceOrderAsync(probe.A);
                output.WriteLine($"standby {standby.Name} {standby.Address}:{standby.Port}: " +
                    await DescribeAsync(onStandby, "SELECT pg_is_in_recovery()::text || ' paused=' || pg_is_wal_replay_paused()::text || ' replay=' || pg_last_wal_replay_lsn()::text || ' recv=' || coalesce(pg_last_wal_receive_lsn()::text, '-') || ' addr=' || inet_server_addr()::text") +
                    $"; primary {primary.Name}: " + await DescribeAsync(onPrimary, "SELECT pg_is_in_recovery()::text || ' current=' || pg_current_wal_lsn()::text || ' addr=' || inet_server_addr()::text"));
                Assert.False(await OrderExistsAsync(onStandby, orderId), "the standby already had the order: no lag to protect against");
                Assert.True(await OrderExistsAsync(onPrimary, orderId));
            }

            lagging = Task.Run(async () =>
            {
                while (!stopLagging.IsCancellationRequested)
                {
                    await ExecuteAsync(admin, "SELECT pg_wal_replay_pause()");
                    await Task.Delay(250, CancellationToken.None);
                    await ExecuteAsync(admin, "SELECT pg_wal_replay_resume()");
                    await Task.Delay(50, CancellationToken.None);
                }
            });

            const int shoppers = 8, cyclesEach = 25;
            var stale = 0;
            var staleReads = new System.Collections.Concurrent.ConcurrentBag<string>();
            var identityChanges = new System.Collections.Concurrent.ConcurrentBag<string>();
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
                        // Stale = the order just placed is missing. (Older orders missing while the newest is there is not
                        // a replication effect: reads see a prefix of the primary's history. It would mean the shopper's
                        // identity changed between requests; it is reported, not counted as stale.)
                        if (!mine.Contains(id))
                        {
                            Interlocked.Increment(ref stale);
                            staleReads.Add($"{(index % 2 == 1 ? "header" : "session")} cycle {cycle} served by " +
                                $"{response.Headers.GetValues("X-Served-By").Single()}");
                        }
                        else if (!placed.All(mine.Contains))
                        {
                            identityChanges.Add($"shopper {index} cycle {cycle}: {placed.Count(order => !mine.Contains(order))} earlier order(s) not listed");
                        }
                    }
                });

            output.WriteLine($"{shoppers * cyclesEach} cycles, reads served by: {string.Join(", ", servedBy.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
            foreach (var app in stack.Topology.NodesOf(NodeKind.App))
            {
                using var direct = stack.DirectTo(app);
                var status = JsonDocument.Parse(await direct.GetStringAsync("api/status")).RootElement;
                output.WriteLine($"{app.Name}: {status.GetProperty("readRouting")}");
            }

            output.WriteLine($"reads where earlier orders of the shopper were not listed (identity changed?): {identityChanges.Count} " +
                string.Join("; ", identityChanges.Take(5)));
            Assert.True(stale == 0, $"{stale} stale reads: {string.Join("; ", staleReads.Take(10))}");
            Assert.Contains(servedBy.Keys, key => key.StartsWith("a/", StringComparison.Ordinal));
            Assert.Contains(servedBy.Keys, key => key.StartsWith("b/", StringComparison.Ordinal));
        }
        finally
        {
            await stopLagging.CancelAsync();
            if (lagging is not null)
            {
                await lagging;
            }

            await ExecuteAsync(admin, "SELECT pg_wal_replay_resume()");
            await SetPatroniPausedAsync(primary, paused: false);
        }
    }

    /// <summary>Patroni's maintenance mode on or off (PATCH /config), and waits until the node reports it.</summary>
    private async Task SetPatroniPausedAsync(Node node, bool paused)
    {
        using var client = stack.Controller.Context.NewServerHttpClient(TimeSpan.FromSeconds(10));
        client.BaseAddress = PatroniServer.RestUri(node, stack.Controller.Context, "");
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"patroni:{stack.Controller.Context.Secrets.PatroniRestPassword}")));
        // A buffered body: Patroni's REST server wants a Content-Length (411 for a chunked one).
        using var body = new StringContent(paused ? """{"pause":true}""" : """{"pause":false}""", System.Text.Encoding.UTF8, "application/json");
        using var patch = await client.PatchAsync("config", body);
        Assert.True(patch.IsSuccessStatusCode, $"PATCH /config: {(int)patch.StatusCode} {await patch.Content.ReadAsStringAsync()}");
        await Poll.UntilAsync($"Patroni to report pause={paused}", async cancellationToken =>
            {
                var state = JsonDocument.Parse(await client.GetStringAsync("patroni", cancellationToken)).RootElement;
                return state.TryGetProperty("pause", out var pause) && pause.GetBoolean();
            },
            reported => reported == paused, TimeSpan.FromSeconds(15), interval: TimeSpan.FromMilliseconds(200));
    }

    private static async Task<(Guid Id, string Token)> PlaceOrderAsync(HttpClient client)
    {
        using (var added = await SendKeyedAsync(client, "api/cart/items", new { productId = 1, quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var placed = await SendKeyedAsync(client, "api/checkout", new { });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        return (id, placed.Headers.GetValues(TokenHeader).Single());
    }

    /// <summary>
    /// A POST with an Idempotency-Key, repeated (same key) after a 503 as the shop's clients do: a write the app could not
    /// confirm in time on a busy machine is an honest answer, not a stale read, and this test is about the reads.
    /// </summary>
    private static async Task<HttpResponseMessage> SendKeyedAsync(HttpClient client, string path, object body)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 3)
            {
                return response;
            }

            var pause = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(pause < TimeSpan.FromSeconds(5) ? pause : TimeSpan.FromSeconds(5));
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(Node node)
    {
        var context = stack.Controller.Context;
        var connection = new NpgsqlConnection(context.PostgresConnectionString([node], "shop", context.Secrets.ShopDbPassword) + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> DescribeAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> OrderExistsAsync(NpgsqlConnection connection, Guid orderId)
    {
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM orders WHERE "Id" = $1""", connection);
        command.Parameters.AddWithValue(orderId);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
