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
    /// A multiplexer connected directly to the Redis node in the instance's own region (absent when there is none), for
    /// reads that may be served by a replica when they can prove it is current (the session's version, see docs/latency.md).
    /// </summary>
    public const string LocalReads = "local-reads";
}
