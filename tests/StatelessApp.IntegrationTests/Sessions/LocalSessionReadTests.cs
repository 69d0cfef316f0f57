using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// A session load served from the instance's own region's Redis node (a real replica registered as
/// <see cref="RedisConnections.LocalReads"/>) when its copy holds the version the cookie carries, and from the primary
/// when it does not: the replica behind (replication cut, stale data served) or refusing (MASTERDOWN). Counted by the two
/// servers themselves (INFO commandstats).
/// </summary>
public sealed class LocalSessionReadTests(RedisReplicaPair redis, ITestOutputHelper output) : IClassFixture<RedisReplicaPair>
{
    private const string KeyPrefix = "StatelessApp:Session:";
    private const string CookieName = "__Host-StatelessApp.Session";
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task A_load_after_a_write_is_served_by_the_replica_without_a_command_on_the_primary()
    {
        await using var app = await StartAsync();
        using var loads = Loads(app);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/first", null)).EnsureSuccessStatusCode();
        (await client.PostAsync("/session/second", null)).EnsureSuccessStatusCode();

        loads.Clear();
        var (body, primary, replica) = await MeasureAsync(() => client.GetStringAsync(new Uri("/session", UriKind.Relative)));

        Assert.Equal("second", body);
        Assert.Equal(SessionMetrics.ServedLocally, Assert.Single(LoadsOf(loads)));
        output.WriteLine($"primary: {SessionCostTests.Format(primary)}; replica: {SessionCostTests.Format(replica)}");
        Assert.Empty(primary);
        // One round trip to the replica: GET and PTTL sent back to back (the TTL is fresh: no refresh is due).
        Assert.Equal(new Dictionary<string, long> { ["get"] = 1, ["pttl"] = 1 }, replica);
    }

    [Fact]
    public async Task A_replica_cut_off_behind_a_newer_write_is_passed_over_and_the_primary_answers_the_new_data()
    {
        // Confirmations off: the write must succeed while the replica is cut off, so the replica is provably behind.
        await using var app = await StartAsync(requiredReplicas: 0);
        using var loads = Loads(app);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/old", null)).EnsureSuccessStatusCode();
        await ReplicaCaughtUpAsync();

        await CutReplicationAsync(serveStaleData: true);
        try
        {
            (await client.PostAsync("/session/new", null)).EnsureSuccessStatusCode();

            loads.Clear();
        var (body, primary, replica) = await MeasureAsync(() => client.GetStringAsync(new Uri("/session", UriKind.Relative)));

            output.WriteLine($"primary: {SessionCostTests.Format(primary)}; replica: {SessionCostTests.Format(replica)}");
            Assert.Equal("new", body);
            Assert.Equal(new Dictionary<string, long> { ["get"] = 1, ["pttl"] = 1 }, replica); // asked, and found behind
            Assert.Equal(1, primary.GetValueOrDefault("getex"));
            Assert.Equal($"{SessionMetrics.ServedByPrimary}/{LocalMiss.Behind}", Assert.Single(LoadsOf(loads)));
        }
        finally
        {
            await RejoinAsync();
        }
    }

    [Fact]
    public async Task A_replica_cut_off_with_stale_data_refused_answers_MASTERDOWN_and_the_primary_serves_the_load()
    {
        await using var app = await StartAsync(requiredReplicas: 0);
        using var loads = Loads(app);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/before-cut", null)).EnsureSuccessStatusCode();
        await ReplicaCaughtUpAsync();

        await CutReplicationAsync(serveStaleData: false);
        try
        {
            (await client.PostAsync("/session/after-cut", null)).EnsureSuccessStatusCode();

            loads.Clear();
            var (body, primary, _) = await MeasureAsync(() => client.GetStringAsync(new Uri("/session", UriKind.Relative)));

            Assert.Equal("after-cut", body);
            Assert.Equal(1, primary.GetValueOrDefault("getex"));
            Assert.Equal($"{SessionMetrics.ServedByPrimary}/{LocalMiss.Failed}", Assert.Single(LoadsOf(loads)));
        }
        finally
        {
            await RejoinAsync();
        }
    }

    [Fact]
    public async Task A_local_load_with_little_idle_time_left_slides_the_expiry_on_the_primary()
    {
        await using var app = await StartAsync();
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/sliding", null)).EnsureSuccessStatusCode();
        var id = await client.GetStringAsync(new Uri("/session/id", UriKind.Relative));
        var key = KeyPrefix + id;
        var primary = await redis.Primary.DatabaseAsync();
        var replica = await redis.Replica.DatabaseAsync();

        // As if the session had been idle for 19 of its 20 minutes; replicated to the replica as an absolute expiry.
        Assert.True(await primary.KeyExpireAsync(key, TimeSpan.FromMinutes(1)));
        await PollAsync("the replica to report the shortened expiry", async () => await replica.KeyTimeToLiveAsync(key) <= TimeSpan.FromMinutes(1));

        var (body, onPrimary, onReplica) = await MeasureAsync(() => client.GetStringAsync(new Uri("/session", UriKind.Relative)));

        Assert.Equal("sliding", body);
        output.WriteLine($"primary: {SessionCostTests.Format(onPrimary)}; replica: {SessionCostTests.Format(onReplica)}");
        // The replica served GET + PTTL, and then applied the slid expiry its primary replicated (as PEXPIREAT).
        Assert.Equal(new Dictionary<string, long> { ["get"] = 1, ["pttl"] = 1, ["pexpireat"] = 1 }, onReplica);
        // Served locally: the primary only slid the expiry (EXPIRE, sent without the request waiting for it).
        Assert.Equal(new Dictionary<string, long> { ["expire"] = 1 }, onPrimary);
        await PollAsync("the primary to slide the expiry back to the idle timeout",
            async () => await primary.KeyTimeToLiveAsync(key) > IdleTimeout - TimeSpan.FromMinutes(1));
        await PollAsync("the slid expiry to reach the replica", async () => await replica.KeyTimeToLiveAsync(key) > IdleTimeout - TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_cookie_from_before_versions_is_loaded_from_the_primary_until_its_next_change_versions_it()
    {
        var browser = new Browser();
        await using (var before = await StartAsync(versionedCookies: false))
        {
            (await before.CreateClient(browser).PostAsync("/session/unversioned", null)).EnsureSuccessStatusCode();
        }

        await using var app = await StartAsync();
        using var loads = Loads(app);
        var client = app.CreateClient(browser);
        var cookie = browser.Cookie(CookieName);

        Assert.Equal("unversioned", await client.GetStringAsync(new Uri("/session", UriKind.Relative)));
        Assert.Equal(cookie, browser.Cookie(CookieName)); // a read re-issues nothing
        (await client.PostAsync("/session/versioned", null)).EnsureSuccessStatusCode();
        Assert.NotEqual(cookie, browser.Cookie(CookieName)); // the change re-issued it, with the version
        Assert.Equal("versioned", await client.GetStringAsync(new Uri("/session", UriKind.Relative)));

        Assert.Equal([$"{SessionMetrics.ServedByPrimary}/{LocalMiss.NoVersion}", $"{SessionMetrics.ServedByPrimary}/{LocalMiss.NoVersion}",
            SessionMetrics.ServedLocally], LoadsOf(loads));
    }

    private Task<SessionTestApp> StartAsync(int requiredReplicas = 1, bool versionedCookies = true) =>
        SessionTestApp.StartAsync(redis.Primary, new Dictionary<string, string?>(RedisReplicaPair.RequireOneReplica())
        {
            ["Sessions:RequiredReplicas"] = requiredReplicas.ToString(CultureInfo.InvariantCulture),
            ["Sessions:VersionedCookies"] = versionedCookies ? "true" : "false",
        }, services: services => services.AddKeyedSingleton<IConnectionMultiplexer>(RedisConnections.LocalReads,
            (_, _) => ConnectionMultiplexer.Connect(redis.Replica.ConnectionString)));

    /// <summary>The request's result and the commands it cost on the primary and on the replica (replication's own left out).</summary>
    private async Task<(T Result, IReadOnlyDictionary<string, long> Primary, IReadOnlyDictionary<string, long> Replica)> MeasureAsync<T>(Func<Task<T>> request)
    {
        var primaryBefore = await redis.Primary.QuietCommandCallsAsync();
        var replicaBefore = await redis.Replica.QuietCommandCallsAsync();
        var result = await request();
        var primaryAfter = await redis.Primary.QuietCommandCallsAsync();
        var replicaAfter = await redis.Replica.QuietCommandCallsAsync();
        return (result, AppCommands(RedisServer.Delta(primaryBefore, primaryAfter)), AppCommands(RedisServer.Delta(replicaBefore, replicaAfter)));
    }

    // REPLCONF and PING are replication's; the replica also counts the commands it applies from its primary's stream
    // (as SET, PEXPIREAT...): only what the app sends to it (GET, PTTL) or that only a client sends counts there.
    private static Dictionary<string, long> AppCommands(IReadOnlyDictionary<string, long> delta) =>
        delta.Where(c => c.Key is not "replconf" and not "ping" and not "role" and not "select").ToDictionary();

    /// <summary>Points the replica at a port where nothing listens: its link goes down and it keeps what it had.</summary>
    private async Task CutReplicationAsync(bool serveStaleData)
    {
        var server = (await redis.Replica.AdminAsync()).GetServer(redis.Replica.Host, redis.Replica.Port);
        await server.ExecuteAsync("CONFIG", "SET", "replica-serve-stale-data", serveStaleData ? "yes" : "no");
        await server.ExecuteAsync("REPLICAOF", redis.Replica.Host, "1");
        var primary = (await redis.Primary.AdminAsync()).GetServer(redis.Primary.Host, redis.Primary.Port);
        await PollAsync("the primary to drop the replica", async () =>
            !(await primary.InfoRawAsync("replication") ?? "").Contains($"port={redis.Replica.Port},", StringComparison.Ordinal));
    }

    /// <summary>Follows the primary again, serving stale data as the fixture's replica does by default.</summary>
    private async Task RejoinAsync()
    {
        var server = (await redis.Replica.AdminAsync()).GetServer(redis.Replica.Host, redis.Replica.Port);
        await server.ExecuteAsync("CONFIG", "SET", "replica-serve-stale-data", "yes");
        await server.ExecuteAsync("REPLICAOF", redis.Primary.Host, redis.Primary.Port.ToString(CultureInfo.InvariantCulture));
        var primary = (await redis.Primary.AdminAsync()).GetServer(redis.Primary.Host, redis.Primary.Port);
        await PollAsync("the replica to be online again", async () =>
            (await primary.InfoRawAsync("replication") ?? "").Contains($"port={redis.Replica.Port},state=online", StringComparison.Ordinal));
    }

    /// <summary>Waits until the replica has applied everything the primary had written when this was called.</summary>
    private async Task ReplicaCaughtUpAsync()
    {
        var primary = (await redis.Primary.AdminAsync()).GetServer(redis.Primary.Host, redis.Primary.Port);
        var replica = (await redis.Replica.AdminAsync()).GetServer(redis.Replica.Host, redis.Replica.Port);
        var written = Offset(await primary.InfoRawAsync("replication"), "master_repl_offset:");
        await PollAsync("the replica to catch up with the primary", async () => Offset(await replica.InfoRawAsync("replication"), "slave_repl_offset:") >= written);
    }

    private static long Offset(string? info, string field) =>
        long.Parse((info ?? "").Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..], CultureInfo.InvariantCulture);

    private static MetricCollector<long> Loads(SessionTestApp app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), SessionMetrics.MeterName, "statelessapp.sessions.loads");

    /// <summary>Where the loads since the collector started were served: "local", or "primary/reason".</summary>
    private static List<string> LoadsOf(MetricCollector<long> loads) =>
        [.. loads.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue("reason", out var reason)
            ? $"{m.Tags["served_by"]}/{reason}" : $"{m.Tags["served_by"]}")];

    private static Task PollAsync(string what, Func<Task<bool>> condition) =>
        Poll.UntilAsync(what, async _ => await condition(), TimeSpan.FromSeconds(15), interval: TimeSpan.FromMilliseconds(50));
}
