namespace StatelessApp.Stack.Operations;

/// <summary>
/// What `./stack rebuild` measured, each from the moment the command began: the etcd member healthy, the PostgreSQL node
/// a streaming standby, the Redis node a linked replica, the region's proxy routing to its own instances again.
/// </summary>
public sealed record RebuildTimes(TimeSpan EtcdMemberHealthy, TimeSpan PostgresStreaming, TimeSpan RedisLinked, TimeSpan ProxyServingItsRegion, TimeSpan Total);
