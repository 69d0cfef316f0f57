using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Shop;

/// <summary>
/// The shop's own Redis keys (stamps, saved carts): reads on the shared connection (or, where a stale answer shows, the
/// own region's node first), writes that must survive a Redis
/// failover on the replicated-writes connection followed by WAIT, with the sessions' replica count and timeout.
/// </summary>
public sealed class ShopRedis(IServiceProvider services, IOptions<RedisSessionOptions> sessionOptions, RedisMetrics metrics)
{
    /// <summary>Resolved per call: with Sentinel, creating the multiplexer throws while no Sentinel answers (see RedisSessionStore).</summary>
    public IDatabase Reads() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    /// <summary>
    /// The Redis node(s) of the instance's own region (<see cref="RedisConnections.LocalReads"/>), or null: none
    /// configured, or no replica acknowledgement required (without WAIT a replica holds no promise to rely on). Only
    /// for reads that can tell a stale answer and then ask <see cref="Reads"/>.
    /// </summary>
    public IDatabase? LocalReads() => sessionOptions.Value.RequiredReplicas == 0
        ? null
        : services.GetKeyedService<IConnectionMultiplexer>(RedisConnections.LocalReads)?.GetDatabase();

    /// <summary>WAIT must follow the write on the same connection, and must not stall the shared one (see RedisConnections).</summary>
    public IDatabase Writes() => sessionOptions.Value.RequiredReplicas == 0
        ? Reads()
        : services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites).GetDatabase();

    /// <summary>Waits until the replicas have what the last <see cref="Writes"/> wrote (as a session write does), so a failover keeps it.</summary>
    /// <exception cref="ReplicaAcknowledgementException">Not confirmed in time: the write is on the primary only.</exception>
    public Task ConfirmAsync(string what, CancellationToken cancellationToken) =>
        ReplicaAcknowledgement.EnsureAsync(Writes(), sessionOptions.Value.RequiredReplicas, sessionOptions.Value.ReplicaAckTimeout,
            what, metrics, cancellationToken);
}
