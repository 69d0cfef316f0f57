using System.Net;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// With more than one replica, a session change is acknowledged only once EVERY online replica has it: Sentinel may
/// promote any promotable one, and the first to answer may be one it never promotes (the witness site's). A replica
/// that is gone is not waited for.
/// </summary>
public sealed class EveryOnlineReplicaTests(RedisReplicaPair redis) : IClassFixture<RedisReplicaPair>
{
    [Fact]
    public async Task A_change_waits_for_every_online_replica_not_just_the_first_to_answer()
    {
        var second = await redis.AddReplicaAsync();
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica("00:00:01"));
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/both-replicas", null)).EnsureSuccessStatusCode();

        HttpResponseMessage unconfirmed;
        using (second.Freeze())
        {
            // The first replica confirms at once; the frozen one is still connected, so the primary still lists it.
            unconfirmed = await client.PostAsync("/session/one-replica-stalled", null);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unconfirmed.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Message.Contains("1 of 2 required Redis replica(s) confirmed", StringComparison.Ordinal));
        var confirmed = await client.PostAsync("/session/both-again", null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        foreach (var replica in new[] { redis.Replica, second })
        {
            Assert.Contains(await ValuesAsync(replica), v => v.Contains("both-again", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_replica_that_is_gone_is_not_waited_for()
    {
        var doomed = await redis.AddReplicaAsync();
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica("00:00:01"));
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/all-replicas", null)).EnsureSuccessStatusCode();

        doomed.Stop(); // its connection closes: the primary drops it at once

        var change = await client.PostAsync("/session/one-replica-gone", null);
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains(await ValuesAsync(redis.Replica), v => v.Contains("one-replica-gone", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ValuesAsync(RedisServer replica)
    {
        var connection = await replica.AdminAsync();
        var server = connection.GetServer(replica.Host, replica.Port);
        var values = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "StatelessApp:Session:*"))
        {
            if ((byte[]?)await connection.GetDatabase().StringGetAsync(key) is { } value)
            {
                values.Add(System.Text.Encoding.UTF8.GetString(value));
            }
        }

        return values;
    }
}
