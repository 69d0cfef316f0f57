using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Stack;
using StatelessApp.TestKit.Polling;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// Shopper stamps read on the own region's Redis node first, against a real primary (region a) and its replica (region b,
/// the instance's): a stamp the replica confirms costs no GET on the primary; a revoked one (confirmed by WAIT) is seen
/// as such on the replica; a replica cut off from its primary refuses (the shipped replica-serve-stale-data no) and the
/// check falls back to the primary; a stamp the replica does not have yet is accepted through the primary.
/// </summary>
public sealed class LocalStampReadTests(RedisReplicaPair redis) : IClassFixture<RedisReplicaPair>, IAsyncLifetime
{
    private const string User = "app";
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private IHost _host = null!;

    private ShopperStamps Stamps => _host.Services.GetRequiredService<ShopperStamps>();

    public async Task InitializeAsync()
    {
        // One app user with one password on every node, as deploy/redis/users.acl gives them; and the shipped setting.
        foreach (var server in new[] { redis.Primary, redis.Replica })
        {
            await (await server.DatabaseAsync()).ExecuteAsync("ACL", "SETUSER", User, "on", ">" + _password, "~*", "&*", "+@all");
        }

        await (await redis.Replica.DatabaseAsync()).ExecuteAsync("CONFIG", "SET", "replica-serve-stale-data", ShippedServeStaleData());

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"{redis.Primary.Host}:{redis.Primary.Port},user={User},password={_password},abortConnect=false",
            ["Redis:NodeRegions"] = $"{redis.Primary.Host}:{redis.Primary.Port}=a,{redis.Replica.Host}:{redis.Replica.Port}=b",
            ["Instance:Region"] = "b",
            ["Sessions:RequiredReplicas"] = "1",
            ["Sessions:ReplicaAckTimeout"] = "00:00:02",
        });
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.AddRedis("Redis");
        builder.Services.AddOptions<RedisSessionOptions>().BindConfiguration(RedisSessionOptions.SectionName);
        builder.Services.AddOptions<ShopperCookieOptions>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ShopRedis>();
        builder.Services.AddSingleton<ShopperStamps>();
        _host = builder.Build();
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_stamp_the_local_replica_confirms_is_accepted_without_a_GET_on_the_primary()
    {
        var shopper = NewShopper();
        await Stamps.StoreAsync(shopper, "current", CancellationToken.None);
        await Stamps.ConfirmAsync(CancellationToken.None);
        using var reads = LocalReads();
        var before = await redis.Primary.QuietCommandCallsAsync();

        Assert.True(await Stamps.IsCurrentLocallyAsync(shopper, "current", account: false, CancellationToken.None));
        Assert.True(await Stamps.IsCurrentLocallyAsync(NewShopper(), ShopperStamps.Initial, account: false, CancellationToken.None));

        Assert.False(RedisServer.Delta(before, await redis.Primary.CommandCallsAsync()).ContainsKey("get"));
        Assert.Equal(["shopper-stamp/local", "shopper-stamp/local"], Outcomes(reads));
    }

    [Fact]
    public async Task A_revocation_confirmed_by_WAIT_is_seen_on_the_local_replica_and_the_old_cookie_is_refused()
    {
        var shopper = NewShopper();
        await Stamps.StoreAsync(shopper, "revoked-to", CancellationToken.None);
        await Stamps.ConfirmAsync(CancellationToken.None); // the revocation's acknowledgement: WAIT for every online replica
        using var reads = LocalReads();

        // No poll: once WAIT has answered, the replica must already have it.
        Assert.False(await Stamps.IsCurrentLocallyAsync(shopper, ShopperStamps.Initial, account: false, CancellationToken.None));
        Assert.Equal(["shopper-stamp/differs"], Outcomes(reads));
        Assert.Equal("revoked-to", await Stamps.CurrentAsync(shopper, CancellationToken.None)); // the fallback refuses it too
    }

    [Fact]
    public async Task A_replica_cut_off_from_its_primary_refuses_and_the_check_falls_back_to_the_primary()
    {
        var shopper = NewShopper(); // never revoked: the replica holds no key, as it would after the revocation below
        await using var nowhere = new RedisServer(); // never started: only a port where nothing listens
        var replica = await redis.Replica.DatabaseAsync();
        await replica.ExecuteAsync("REPLICAOF", nowhere.Host, nowhere.Port.ToString(CultureInfo.InvariantCulture));
        try
        {
            // Revoked on the primary while the replica cannot hear of it (its "no key" would say the old cookie is current).
            await Stamps.StoreAsync(shopper, "revoked-to", CancellationToken.None);
            await Poll.UntilAsync("the cut-off replica to refuse reads (MASTERDOWN)", async _ =>
                {
                    try
                    {
                        await replica.StringGetAsync("StatelessApp:probe");
                        return "answered";
                    }
                    catch (RedisServerException ex)
                    {
                        return ex.Message;
                    }
                },
                answer => answer.StartsWith("MASTERDOWN", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            using var reads = LocalReads();

            Assert.False(await Stamps.IsCurrentLocallyAsync(shopper, ShopperStamps.Initial, account: false, CancellationToken.None));
            Assert.Equal(["shopper-stamp/failed"], Outcomes(reads));
            Assert.Equal("revoked-to", await Stamps.CurrentAsync(shopper, CancellationToken.None)); // refused by the primary
        }
        finally
        {
            await redis.StartReplicaAsync(); // follows the primary again, linked when it returns
        }
    }

    [Fact]
    public async Task A_stamp_not_on_the_local_replica_yet_is_accepted_through_the_primary()
    {
        // The replica follows another primary for a while: it answers, but has none of what the real primary writes.
        await using var elsewhere = await RedisServer.StartNewAsync();
        var replica = await redis.Replica.DatabaseAsync();
        await replica.ExecuteAsync("CONFIG", "SET", "masterauth", elsewhere.Password);
        await replica.ExecuteAsync("REPLICAOF", elsewhere.Host, elsewhere.Port.ToString(CultureInfo.InvariantCulture));
        try
        {
            await Poll.UntilAsync("the replica to link to the other primary", async _ =>
                    await (await redis.Replica.AdminAsync()).GetServer(redis.Replica.Host, redis.Replica.Port).InfoRawAsync("replication") ?? "",
                info => info.Contains($"master_port:{elsewhere.Port}", StringComparison.Ordinal)
                    && info.Contains("master_link_status:up", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15));
            var anonymous = NewShopper();
            var account = NewShopper();
            await Stamps.StoreAsync(anonymous, "just-issued", CancellationToken.None);
            await Stamps.StoreAsync(account, "security-stamp", CancellationToken.None);
            using var reads = LocalReads();

            Assert.False(await Stamps.IsCurrentLocallyAsync(anonymous, "just-issued", account: false, CancellationToken.None));
            Assert.Equal("just-issued", await Stamps.CurrentAsync(anonymous, CancellationToken.None)); // accepted
            Assert.False(await Stamps.IsCurrentLocallyAsync(account, "security-stamp", account: true, CancellationToken.None));
            Assert.Equal("security-stamp", await Stamps.StoredAsync(account, CancellationToken.None)); // accepted
            Assert.Equal(["shopper-stamp/differs", "shopper-stamp/missing"], Outcomes(reads));
        }
        finally
        {
            await redis.StartReplicaAsync();
        }
    }

    [Fact]
    public async Task A_local_node_that_is_down_sends_the_check_to_the_primary()
    {
        var shopper = NewShopper();
        Assert.True(await Stamps.IsCurrentLocallyAsync(shopper, ShopperStamps.Initial, account: false, CancellationToken.None)); // connected
        redis.StopReplica();
        try
        {
            using var reads = LocalReads();

            Assert.False(await Stamps.IsCurrentLocallyAsync(shopper, ShopperStamps.Initial, account: false, CancellationToken.None));
            Assert.Equal(["shopper-stamp/failed"], Outcomes(reads));
            Assert.Equal(ShopperStamps.Initial, await Stamps.CurrentAsync(shopper, CancellationToken.None)); // accepted by the primary
        }
        finally
        {
            await redis.StartReplicaAsync();
        }
    }

    [Fact]
    public void No_node_in_the_instances_region_means_no_local_connection()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.Primary.ConnectionString,
            ["Redis:NodeRegions"] = $"{redis.Primary.Host}:{redis.Primary.Port}=a",
            ["Instance:Region"] = "b",
        });
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.AddRedis("Redis");
        using var host = builder.Build();

        Assert.Null(host.Services.GetKeyedService<IConnectionMultiplexer>(RedisConnections.LocalReads));
    }

    private static string NewShopper() => Guid.NewGuid().ToString("N");

    /// <summary>The value deploy/redis/redis.conf ships (the nodes of the stack and of compose include that file).</summary>
    private static string ShippedServeStaleData()
    {
        var config = Path.Combine(new StackPaths(StackPaths.FindRepositoryRoot(), Path.GetTempPath()).Deploy, "redis", "redis.conf");
        var line = Assert.Single(File.ReadAllLines(config), l => l.StartsWith("replica-serve-stale-data ", StringComparison.Ordinal));
        var value = line["replica-serve-stale-data ".Length..].Trim();
        Assert.Equal("no", value);
        return value;
    }

    private MetricCollector<long> LocalReads() =>
        new(_host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "statelessapp.redis.local_reads");

    private static List<string> Outcomes(MetricCollector<long> reads) =>
        reads.GetMeasurementSnapshot().Select(m => $"{m.Tags["read"]}/{m.Tags["outcome"]}").Order(StringComparer.Ordinal).ToList();
}
