using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Consistency;
using StatelessApp.IntegrationTests.Consistency;
using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Shop.Consistency;

/// <summary>
/// Read-your-writes over a standby that lags on purpose (recovery_min_apply_delay = 300 ms), two real app instances
/// sharing real Redis and PostgreSQL: "my orders" after a checkout, with the token in the session (browsers) or in the
/// X-Consistency-Token header (API clients). Owns its servers: it changes the standby's settings.
/// </summary>
public sealed class ReadYourWritesTests : IClassFixture<ShopServers>
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    private readonly ShopServers _servers;
    private readonly ITestOutputHelper _output;

    public ReadYourWritesTests(ShopServers servers, ITestOutputHelper output)
    {
        _servers = servers;
        _output = output;
    }

    private ShopInstance[] Apps => [_servers.App1, _servers.App2];

    [Fact]
    public async Task A_thousand_write_then_read_cycles_across_two_instances_see_no_stale_read()
    {
        await _servers.Postgres.SetStandbyApplyDelayAsync(Delay);
        const int shoppers = 20, cyclesEach = 50;
        var before = Snapshot();
        var stale = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, shoppers), new ParallelOptions { MaxDegreeOfParallelism = shoppers },
            async (index, _) =>
            {
                // Half browsers (token in the session), half API clients (token in the header, no session cookie).
                using var client = new ShopClient(isApiClient: index % 2 == 1);
                var placed = new List<Guid>();
                for (var cycle = 0; cycle < cyclesEach; cycle++)
                {
                    var writer = Apps[(index + cycle) % 2];
                    var reader = Apps[(index + cycle + 1) % 2];
                    placed.Add(await client.PlaceOrderAsync(writer));
                    var mine = await client.MyOrdersAsync(reader);
                    if (!placed.All(mine.Contains))
                    {
                        Interlocked.Increment(ref stale);
                    }
                }
            });

        var delta = Snapshot() - before;
        _output.WriteLine($"{shoppers * cyclesEach} cycles; reads: {delta}");
        Assert.Equal(0, stale);
        // Not vacuous: with the standby 300 ms behind, the token must have sent reads to the primary.
        Assert.True(delta.PrimaryReadsBecauseToken >= shoppers * cyclesEach / 2, $"reads: {delta}");
    }

    [Fact]
    public async Task Without_the_token_the_same_read_is_stale_so_the_delay_is_real()
    {
        await _servers.Postgres.SetStandbyApplyDelayAsync(Delay);
        using var client = new ShopClient(isApiClient: true);
        var staleSeen = 0;
        for (var i = 0; i < 5; i++)
        {
            var order = await client.PlaceOrderAsync(Apps[i % 2]);
            if (!(await client.MyOrdersAsync(Apps[(i + 1) % 2], sendToken: false)).Contains(order))
            {
                staleSeen++;
            }
        }

        Assert.True(staleSeen >= 4, $"only {staleSeen} of 5 token-less reads were stale: the standby does not lag");
    }

    [Fact]
    public async Task Users_without_a_recent_write_still_read_from_the_standby()
    {
        await _servers.Postgres.SetStandbyApplyDelayAsync(Delay);

        // Shoppers who wrote once, a while ago (their tokens are old), and shoppers who never wrote.
        var readers = Enumerable.Range(0, 10).Select(i => new ShopClient(isApiClient: i % 2 == 1)).ToList();
        try
        {
            foreach (var (client, i) in readers.Select((client, i) => (client, i)))
            {
                if (i < 5)
                {
                    await client.PlaceOrderAsync(Apps[i % 2]);
                }
                else
                {
                    await client.IdentifyAsync(Apps[i % 2]);
                }
            }

            // Their writes are replayed on the standby: the tokens no longer ask for the primary.
            await _servers.Postgres.WaitForReplicationAsync();

            // Meanwhile another shopper keeps writing, so the standby stays 300 ms behind the primary throughout.
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                using var busy = new ShopClient(isApiClient: false);
                while (!stop.IsCancellationRequested)
                {
                    await busy.PlaceOrderAsync(_servers.App1);
                }
            });

            var before = Snapshot();
            await Parallel.ForEachAsync(readers, async (client, _) =>
            {
                for (var i = 0; i < 20; i++)
                {
                    await client.MyOrdersAsync(Apps[i % 2]);
                }
            });
            var delta = Snapshot() - before;
            await stop.CancelAsync();
            await writer;

            _output.WriteLine($"reads during the writes: {delta}");
            // The writer's own reads (cart prices: opted out, standby) are in the counts too; they cannot lower the share.
            Assert.True(delta.StandbyShare >= 0.90, $"standby share {delta.StandbyShare:P1}: {delta}");
        }
        finally
        {
            readers.ForEach(reader => reader.Dispose());
        }
    }

    [Fact]
    public async Task Forged_malformed_or_borrowed_tokens_are_ignored_without_an_error_and_reveal_nothing()
    {
        await _servers.Postgres.SetStandbyApplyDelayAsync(Delay);
        using var alice = new ShopClient(isApiClient: true);
        using var mallory = new ShopClient(isApiClient: true);
        var alicesOrder = await alice.PlaceOrderAsync(_servers.App1);
        await mallory.IdentifyAsync(_servers.App1);
        var before = Snapshot();

        string[] bad =
        [
            "garbage",
            "%%%not-base64%%%",
            new string('A', 5000),
            alice.Token!,                                                   // another user's genuine token
            alice.Token![..^4] + "AAAA",                                    // a tampered one
        ];
        foreach (var value in bad)
        {
            var response = await mallory.MyOrdersWithHeaderAsync(_servers.App2, value);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} for '{value[..Math.Min(20, value.Length)]}': {body}");
            Assert.Equal("[]", body); // Mallory's own (empty) order list, never Alice's
            Assert.DoesNotContain(alicesOrder.ToString(), body, StringComparison.Ordinal);
        }

        var delta = Snapshot() - before;
        Assert.Equal(bad.Length, delta.TokensRefused);
        Assert.Equal(bad.Length, delta.StandbyReads); // ignored: they read as if they had sent no token

        // A genuine token for Mallory that is ahead of every node (what a failover leaves behind, or the worst a
        // forger could do): served by the primary at once, without waiting for a standby that cannot get there.
        var protector = _servers.App1.Services.GetRequiredService<ConsistencyTokenProtector>();
        var mallorysId = ShopperId(mallory);
        var ahead = protector.Protect(new NpgsqlLogSequenceNumber(ulong.MaxValue - 1), mallorysId);
        before = Snapshot();
        var farAhead = await mallory.MyOrdersWithHeaderAsync(_servers.App1, ahead);
        Assert.Equal(HttpStatusCode.OK, farAhead.StatusCode);
        Assert.Equal("[]", await farAhead.Content.ReadAsStringAsync());
        delta = Snapshot() - before;
        Assert.Equal(1, delta.PrimaryReadsBecauseToken);
        Assert.Equal(0, delta.Waits);
    }

    [Fact]
    public async Task Without_the_delay_a_read_heavy_mix_reads_from_the_standby_at_least_95_percent_of_the_time()
    {
        await _servers.Postgres.SetStandbyApplyDelayAsync(TimeSpan.Zero);
        try
        {
            await _servers.Postgres.WaitForReplicationAsync();
            var before = Snapshot();
            var stale = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, 10), async (index, _) =>
            {
                using var client = new ShopClient(isApiClient: index % 2 == 1);
                var placed = new List<Guid>();
                for (var op = 0; op < 100; op++)
                {
                    var app = Apps[(index + op) % 2];
                    if (op % 20 == 0)
                    {
                        placed.Add(await client.PlaceOrderAsync(app)); // 1 write (2 requests) per 19 reads
                    }
                    else if (!placed.All((await client.MyOrdersAsync(app)).Contains))
                    {
                        Interlocked.Increment(ref stale);
                    }
                }
            });

            var delta = Snapshot() - before;
            _output.WriteLine($"read-heavy mix without delay: {delta}");
            Assert.Equal(0, stale);
            Assert.True(delta.StandbyShare >= 0.95, $"standby share {delta.StandbyShare:P1}: {delta}");
        }
        finally
        {
            await _servers.Postgres.SetStandbyApplyDelayAsync(Delay);
        }
    }

    private Counts Snapshot() =>
        Apps.Select(app => Counts.From(app.Services.GetRequiredService<ConsistencyMetrics>().Snapshot()))
            .Aggregate((a, b) => a + b);

    private string ShopperId(ShopClient client)
    {
        var ticketFormat = _servers.App1.Services
            .GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        var ticket = ticketFormat.Unprotect(client.ShopperCookie(_servers.App1))!;
        return ticket.Principal.FindFirst(global::StatelessApp.Web.Shop.ShopperIdentity.ShopperIdClaim)!.Value;
    }

    private sealed record Counts(long StandbyReads, long PrimaryReadsBecauseToken, long PrimaryReadsBecauseStandbyUnavailable,
        long PrimaryReadsForced, long Waits, long TokensRefused)
    {
        public long Total => StandbyReads + PrimaryReadsBecauseToken + PrimaryReadsBecauseStandbyUnavailable + PrimaryReadsForced;

        public double StandbyShare => Total == 0 ? 0 : (double)StandbyReads / Total;

        public static Counts From(ConsistencySnapshot s) => new(s.StandbyReads, s.PrimaryReadsBecauseToken,
            s.PrimaryReadsBecauseStandbyUnavailable, s.PrimaryReadsForced, s.Waits, s.TokensRefused);

        public static Counts operator +(Counts a, Counts b) => new(a.StandbyReads + b.StandbyReads,
            a.PrimaryReadsBecauseToken + b.PrimaryReadsBecauseToken,
            a.PrimaryReadsBecauseStandbyUnavailable + b.PrimaryReadsBecauseStandbyUnavailable,
            a.PrimaryReadsForced + b.PrimaryReadsForced, a.Waits + b.Waits, a.TokensRefused + b.TokensRefused);

        public static Counts operator -(Counts a, Counts b) => new(a.StandbyReads - b.StandbyReads,
            a.PrimaryReadsBecauseToken - b.PrimaryReadsBecauseToken,
            a.PrimaryReadsBecauseStandbyUnavailable - b.PrimaryReadsBecauseStandbyUnavailable,
            a.PrimaryReadsForced - b.PrimaryReadsForced, a.Waits - b.Waits, a.TokensRefused - b.TokensRefused);

        public override string ToString() =>
            $"standby {StandbyReads}, primary/token {PrimaryReadsBecauseToken}, primary/unavailable {PrimaryReadsBecauseStandbyUnavailable}, " +
            $"forced {PrimaryReadsForced}, waits {Waits}, refused {TokensRefused}, standby share {StandbyShare:P1}";
    }
}
