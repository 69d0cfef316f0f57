namespace StatelessApp.Hosting.Redis;

/// <summary>Service keys of the Redis connections besides the shared (unkeyed) <c>IConnectionMultiplexer</c>.</summary>
public static class RedisConnections
{
    /// <summary>
    /// A second multiplexer, to the same Redis, for writes that are followed by WAIT (sessions, key ring). WAIT holds
    /// its connection until the replicas answer; on the shared connection every read queued behind it would wait too,
    /// up to the full timeout while a replica is down.
    /// </summary>
    public const string ReplicatedWrites = "StatelessApp.Redis.ReplicatedWrites";

    /// <summary>
    /// A third multiplexer, for the readiness probe's INFO memory: StackExchange.Redis sends INFO only on a connection in
    /// its admin mode, which the connections that serve requests do not get. The server's ACL grants the app user INFO
    /// and ROLE, nothing else of @dangerous, whichever connection asks.
    /// </summary>
    public const string Monitoring = "StatelessApp.Redis.Monitoring";

    /// <summary>
    /// A multiplexer connected directly to the Redis node(s) of the instance's own region (Redis:NodeRegions with
    /// Instance:Region), a replica or the primary, for reads that can tell a stale answer from a current one and then ask
    /// the primary. Resolve it with GetKeyedService: null when no node is in the instance's region or the setting is
    /// unset (then read on the shared connection, as before). A replica cut off from its primary refuses reads
    /// (replica-serve-stale-data no, deploy/redis/redis.conf): a caller treats that error as "ask the primary".
    /// </summary>
    public const string LocalReads = "local-reads";
}
