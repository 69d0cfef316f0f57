using System.Net;
using System.Net.Http.Json;
using StatelessApp.TestKit.Network;
using StatelessApp.Web.Api;
using StatelessApp.Web.Shop;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// How many network round trips one checkout makes to the PostgreSQL primary, counted by a relay in front of the
/// real primary (<see cref="RoundTripCountingProxy"/>: a round trip is one flight of the client's bytes up to the
/// server's answer, whatever it carries). At distance each one crosses between regions for an instance of region B
/// (docs/latency.md): the order's whole transaction and its commit position take ONE; what follows can only be the
/// standby confirmation's polls, which ask whether the standby has flushed the commit yet (timing decides how many).
/// </summary>
[Collection(SharedShop.Name)]
public sealed class CheckoutRoundTripTests(ShopServers servers, ITestOutputHelper output)
{
    private const string TransactionMarker = "pg_advisory_xact_lock";
    private const string PollMarker = "replication_status.standbys()";

    [Fact]
    public async Task Without_confirmation_a_checkout_is_one_round_trip_to_the_primary()
    {
        await using var relay = Relay();
        var app = CountedInstance(relay, "round-trips-1", confirmation: "00:00:00");
        using var shopper = new Shopper();
        await WarmUpAsync(shopper, app);
        await shopper.AddToCartAsync(app, productId: 3, quantity: 2);

        HttpResponseMessage? response = null;
        var flights = await relay.RecordAsync(async () => response = await CheckoutAsync(shopper, app, IdempotencyKey.New()));

        Assert.Equal(HttpStatusCode.Created, response!.StatusCode);
        var flight = Assert.Single(OnTheCheckoutsConnection(flights));
        Assert.Contains(TransactionMarker, flight.Text, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO orders", flight.Text, StringComparison.Ordinal);
        Assert.Contains("pg_current_wal_lsn", flight.Text, StringComparison.Ordinal); // the commit position, after the Sync that committed
    }

    [Fact]
    public async Task A_confirmed_checkout_and_its_replay_are_one_round_trip_each_plus_only_confirmation_polls()
    {
        await using var relay = Relay();
        var app = CountedInstance(relay, "round-trips-2", confirmation: null);
        using var shopper = new Shopper();
        await WarmUpAsync(shopper, app);
        await shopper.AddToCartAsync(app, productId: 6, quantity: 1);
        var key = IdempotencyKey.New();

        HttpResponseMessage? placed = null, replayed = null;
        var placing = await relay.RecordAsync(async () => placed = await CheckoutAsync(shopper, app, key));
        var replaying = await relay.RecordAsync(async () => replayed = await CheckoutAsync(shopper, app, key));

        Assert.Equal(HttpStatusCode.Created, placed!.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replayed!.StatusCode);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues(CheckoutApi.ReplayedHeader)));
        foreach (var all in new[] { placing, replaying })
        {
            var flights = OnTheCheckoutsConnection(all);
            output.WriteLine($"round trips to the primary: {flights.Count} (1 + {flights.Count - 1} confirmation polls)");
            var transaction = Assert.Single(flights, f => f.Text.Contains(TransactionMarker, StringComparison.Ordinal));
            Assert.Same(transaction, flights[0]);
            Assert.Contains(PollMarker, transaction.Text, StringComparison.Ordinal); // the first confirmation snapshot rode along
            Assert.All(flights.Skip(1), poll =>
            {
                Assert.Contains(PollMarker, poll.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("orders", poll.Text, StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public async Task From_the_standbys_region_a_confirmed_checkout_is_one_round_trip_to_the_primary_and_no_poll()
    {
        // The standby of the instance's own region is asked whether it flushed the order, not the primary (OwnRegionStandbys).
        // Its commit returns before its WAL is flushed, so the primary's first view (in the batch's answer) cannot
        // confirm it: without the standby's own answer the primary would be polled until the WAL writer's next round.
        await using var relay = Relay();
        var app = CountedInstance(relay, "round-trips-3", confirmation: "00:00:05", region: "b", options: "-c synchronous_commit=off");
        using var shopper = new Shopper();
        await WarmUpAsync(shopper, app);
        await shopper.AddToCartAsync(app, productId: 4, quantity: 3);

        HttpResponseMessage? response = null;
        var flights = await relay.RecordAsync(async () => response = await CheckoutAsync(shopper, app, IdempotencyKey.New()));

        Assert.Equal(HttpStatusCode.Created, response!.StatusCode);
        var flight = Assert.Single(OnTheCheckoutsConnection(flights));
        Assert.Contains(TransactionMarker, flight.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(flights, f => f.Text.Contains(PollMarker, StringComparison.Ordinal) && f != flight);
    }

    /// <summary>
    /// The flights of the connection that carried the checkout's transaction (the confirmation polls on it too): the
    /// standby monitor's probe of the primary, on a connection of its own, may land in the middle of a busy run.
    /// </summary>
    private static List<RoundTripCountingProxy.Flight> OnTheCheckoutsConnection(IReadOnlyList<RoundTripCountingProxy.Flight> flights)
    {
        var transaction = Assert.Single(flights, f => f.Text.Contains(TransactionMarker, StringComparison.Ordinal));
        return flights.Where(f => f.Connection == transaction.Connection).ToList();
    }

    private RoundTripCountingProxy Relay() => new(new IPEndPoint(IPAddress.Loopback, servers.Postgres.Primary.Port));

    /// <summary>
    /// An instance whose primary is reached through the relay only; the standby (reads) directly. With a region, the
    /// primary (the relay) is in region a and the standby in region b.
    /// </summary>
    private ShopInstance CountedInstance(RoundTripCountingProxy relay, string name, string? confirmation, string? region = null, string? options = null)
    {
        var primary = $"127.0.0.1:{servers.Postgres.Primary.Port},";
        var shop = servers.Postgres.MultiHostConnectionString.Replace(primary, $"127.0.0.1:{relay.Port},", StringComparison.Ordinal)
            + ";SSL Mode=Disable" // the relay reads the SQL in the flights
            + (options is null ? "" : $";Options={options}");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Shop"] = shop,
            // The standby monitor's probe of the primary would be a flight of another connection: once a minute, not during a checkout.
            ["Consistency:ProbeInterval"] = "00:01:00",
        };
        if (confirmation is not null)
        {
            settings["Database:StandbyConfirmationTimeout"] = confirmation;
        }

        if (region is not null)
        {
            settings["Instance:Region"] = region;
            settings["Database:NodeRegions"] = $"127.0.0.1:{relay.Port}=a,127.0.0.1:{servers.Postgres.Standby.Port}=b";
        }

        return servers.StartInstance(name, settings);
    }

    /// <summary>A first checkout opens the pooled connection (start-up and authentication: round trips a steady instance does not pay).</summary>
    private static async Task WarmUpAsync(Shopper shopper, ShopInstance app)
    {
        await shopper.AddToCartAsync(app, productId: 1, quantity: 1);
        using var warm = await CheckoutAsync(shopper, app, IdempotencyKey.New());
        Assert.Equal(HttpStatusCode.Created, warm.StatusCode);
    }

    private static Task<HttpResponseMessage> CheckoutAsync(Shopper shopper, ShopInstance instance, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(IdempotencyKey.HeaderName, key);
        return shopper.On(instance).SendAsync(request);
    }
}
