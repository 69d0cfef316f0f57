using System.Net;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// Session changes and new DataProtection keys are acknowledged only once a replica has them (WAIT 1): counted on the
/// primary, read back on the replica, refused with 503 while the replica is gone (bench/costs measures the cost).
/// </summary>
public sealed class ReplicatedSessionWriteTests(RedisReplicaPair redis, ITestOutputHelper output) : IClassFixture<RedisReplicaPair>
{
    private const string CookieName = "__Host-StatelessApp.Session";

    [Fact]
    public async Task Change_costs_GETEX_then_SETEX_and_WAIT_and_is_on_the_replica_when_answered()
    {
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica());
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/initial", null)).EnsureSuccessStatusCode();
        var before = await redis.Primary.QuietCommandCallsAsync();
        var response = await client.PostAsync("/session/replicated", null);
        var after = await redis.Primary.CommandCallsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // REPLCONF is the replica's answer to the primary's GETACK that WAIT triggers: replica traffic, not the app's.
        // ROLE (how many replicas to wait for) is asked at most once a second per connection: 0 or 1 times here.
        var commands = RedisServer.Delta(before, after).Where(c => c.Key is not "replconf" and not "role").ToDictionary();
        Assert.InRange(RedisServer.Delta(before, after).GetValueOrDefault("role"), 0, 1);
        output.WriteLine($"replicated change: {SessionCostTests.Format(commands)}");
        // Two round trips: GETEX on the shared connection, then SETEX and WAIT on the replicated-writes connection.
        // StackExchange.Redis puts a SELECT in front of the SETEX there (after WAIT, a command without a database, it
        // no longer assumes one); it travels in the same packet, so it adds a command but no round trip.
        Assert.Equal(new Dictionary<string, long> { ["getex"] = 1, ["select"] = 1, ["setex"] = 1, ["wait"] = 1 }, commands);
        var keys = await ReplicaKeysAsync("StatelessApp:Session:*");
        Assert.NotEmpty(keys);
        var values = await Task.WhenAll(keys.Select(async k => (byte[]?)await (await redis.Replica.DatabaseAsync()).StringGetAsync(k)));
        Assert.Contains(values, v => v is not null && System.Text.Encoding.UTF8.GetString(v).Contains("replicated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_replica_a_change_is_a_503_and_a_read_still_works()
    {
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica("00:00:00.200"));
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/before-outage", null)).EnsureSuccessStatusCode();

        redis.StopReplica();
        try
        {
            var change = await client.PostAsync("/session/during-outage", null);
            var read = await client.GetAsync("/session");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, change.StatusCode);
            Assert.Equal("application/problem+json", change.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Contains(app.Logs.Lines, l => l.Message.Contains("0 of 1 required Redis replica(s) confirmed", StringComparison.Ordinal));
        }
        finally
        {
            await redis.StartReplicaAsync();
        }

        // Linked is not yet caught up: the replica may still be loading the primary's snapshot.
        await Poll.UntilAsync("a session change to be confirmed by the replica again",
            async cancellationToken => (await client.PostAsync("/session/after-outage", null, cancellationToken)).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(100));
        Assert.Equal("after-outage", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task New_key_is_on_the_replica_before_it_is_used_and_refused_without_one()
    {
        await using var app = await SessionTestApp.StartAsync(redis.Primary, new Dictionary<string, string?>(RedisReplicaPair.RequireOneReplica())
        {
            ["KeyRing:RedisKey"] = "replicated-ring-" + Guid.NewGuid().ToString("N"),
        });
        var keyManager = app.Services.GetRequiredService<IKeyManager>();
        var ringKey = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.KeyRing.KeyRingOptions>>().Value.RedisKey;

        keyManager.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        // Read on the replica right after the call returned: no time for replication to catch up later.
        var onReplica = await (await redis.Replica.DatabaseAsync()).ListLengthAsync(ringKey);
        Assert.True(onReplica >= 1);
        Assert.Equal(await (await redis.Primary.DatabaseAsync()).ListLengthAsync(ringKey), onReplica);

        redis.StopReplica();
        try
        {
            var refused = Assert.Throws<ReplicaAcknowledgementException>(() =>
                keyManager.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90)));
            Assert.Equal(0, refused.Acknowledged);
        }
        finally
        {
            await redis.StartReplicaAsync();
        }
    }

    private async Task<IReadOnlyList<RedisKey>> ReplicaKeysAsync(string pattern)
    {
        var server = (await redis.Replica.AdminAsync()).GetServer(redis.Replica.Host, redis.Replica.Port);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            keys.Add(key);
        }

        return keys;
    }
}
