using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

/// <summary>Told of every multiplexer <see cref="RedisConnector"/> makes (telemetry hooks its profiler in here).</summary>
public interface IRedisConnectionObserver
{
    /// <param name="connection">The new multiplexer.</param>
    /// <param name="purpose">"requests", "monitoring" (the admin-mode connection of the readiness probe) or "local-reads" (<see cref="RedisConnections.LocalReads"/>).</param>
    void Connected(IConnectionMultiplexer connection, string purpose);
}
