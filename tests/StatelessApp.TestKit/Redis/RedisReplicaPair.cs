using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Redis;

/// <summary>
/// A Redis primary and one replica of it (two real servers, same password), for the WAIT path: a session change or a
/// new key must be confirmed by the replica. <see cref="StopReplica"/> kills the replica; <see cref="StartReplicaAsync"/>
/// brings it back and waits until it has linked again.
/// </summary>
public sealed class RedisReplicaPair : IAsyncLifetime
{
    private static readonly TimeSpan LinkTimeout = TimeSpan.FromSeconds(15);

    public RedisServer Primary { get; } = new();

    public RedisServer Replica { get; } = new();

    private readonly List<RedisServer> _extraReplicas = [];

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Primary.StartAsync(), Replica.StartAsync());
        await FollowPrimaryAsync(Replica);
    }

    /// <summary>Starts one more replica of the primary (stopped with the pair), linked when this returns.</summary>
    public async Task<RedisServer> AddReplicaAsync()
    {
        var replica = new RedisServer();
        _extraReplicas.Add(replica);
        await replica.StartAsync();
        await FollowPrimaryAsync(replica);
        return replica;
    }

    public void StopReplica() => Replica.Stop();

    public async Task StartReplicaAsync()
    {
        await Replica.StartAsync();
        await FollowPrimaryAsync(Replica);
    }

    /// <summary>Settings for an app that requires the replica's confirmation.</summary>
    public static Dictionary<string, string?> RequireOneReplica(string timeout = "00:00:00.500") => new()
    {
        ["Sessions:RequiredReplicas"] = "1",
        ["Sessions:ReplicaAckTimeout"] = timeout,
        ["KeyRing:RequiredReplicas"] = "1",
        ["KeyRing:ReplicaAckTimeout"] = timeout,
    };

    private async Task FollowPrimaryAsync(RedisServer follower)
    {
        var replica = (await follower.AdminAsync()).GetServer(follower.Host, follower.Port);
        await replica.ExecuteAsync("CONFIG", "SET", "masterauth", Primary.Password);
        await replica.ExecuteAsync("REPLICAOF", Primary.Host, Primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await Poll.UntilAsync($"the replica on port {follower.Port} to link to the primary on {Primary.Port}",
                async _ => (await replica.InfoRawAsync("replication") ?? "").Contains("master_link_status:up", StringComparison.Ordinal),
                LinkTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{follower.ReadLog()}", e);
        }

        // The replica's "link up" can come before the primary counts it as online (what ROLE lists, and what the app
        // waits for): wait for the primary's side too.
        var primary = (await Primary.AdminAsync()).GetServer(Primary.Host, Primary.Port);
        var online = $"port={follower.Port},state=online";
        await Poll.UntilAsync($"the primary on {Primary.Port} to list the replica on {follower.Port} as online",
            async _ => (await primary.InfoRawAsync("replication") ?? "").Contains(online, StringComparison.Ordinal), LinkTimeout);
    }

    public async Task DisposeAsync()
    {
        foreach (var extra in _extraReplicas)
        {
            await extra.DisposeAsync();
        }

        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
