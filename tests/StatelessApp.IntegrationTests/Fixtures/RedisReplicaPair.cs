using StackExchange.Redis;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// A Redis primary and one replica of it (two real servers, same password), for the WAIT path: a session change or a
/// new key must be confirmed by the replica. <see cref="StopReplica"/> kills the replica; <see cref="StartReplicaAsync"/>
/// brings it back and waits until it has linked again.
/// </summary>
public sealed class RedisReplicaPair : IAsyncLifetime
{
    public RedisServer Primary { get; } = new();

    public RedisServer Replica { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Primary.StartAsync(), Replica.StartAsync());
        await FollowPrimaryAsync();
    }

    public void StopReplica() => Replica.Stop();

    public async Task StartReplicaAsync()
    {
        await Replica.StartAsync();
        await FollowPrimaryAsync();
    }

    /// <summary>Settings for an app that requires the replica's confirmation.</summary>
    public static Dictionary<string, string?> RequireOneReplica(string timeout = "00:00:00.500") => new()
    {
        ["Sessions:RequiredReplicas"] = "1",
        ["Sessions:ReplicaAckTimeout"] = timeout,
        ["KeyRing:RequiredReplicas"] = "1",
        ["KeyRing:ReplicaAckTimeout"] = timeout,
    };

    private async Task FollowPrimaryAsync()
    {
        var replica = (await Replica.AdminAsync()).GetServer(Replica.Host, Replica.Port);
        await replica.ExecuteAsync("CONFIG", "SET", "masterauth", Primary.Password);
        await replica.ExecuteAsync("REPLICAOF", Primary.Host, Primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await replica.InfoRawAsync("replication") ?? "").Contains("master_link_status:up", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"replica on port {Replica.Port} did not link to the primary on {Primary.Port}:\n{Replica.ReadLog()}");
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
