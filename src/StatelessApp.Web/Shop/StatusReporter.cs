using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.RequestRates;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Which instance this is, the version it runs, and where its state lives: the Redis endpoint and read routing as of now, the PostgreSQL
/// nodes as of at most <see cref="DatabaseNodesCache.MaxAge"/> ago; and the traffic of the whole site, per region, over
/// the last <see cref="RequestRateOptions.Window"/> (<see cref="RequestRateReader"/>).
/// </summary>
public sealed class StatusReporter(
    IOptions<InstanceOptions> instance,
    IConnectionMultiplexer redis,
    DatabaseNodesCache databaseNodes,
    ConsistencyMetrics consistency,
    StandbyMonitor standbys,
    RequestRateReader requestRates,
    IOptions<RequestRateOptions> requestRateOptions)
{
    public async Task<StatusReport> ReportAsync(CancellationToken cancellationToken)
    {
        var nodes = databaseNodes.GetAsync(cancellationToken);
        var rates = requestRates.ReadAsync(cancellationToken);
        var (writes, reads) = await nodes;
        return new StatusReport(instance.Value.Region, instance.Value.Name, AppVersion.Current, RedisPrimaryEndpoint(), writes, reads, ReadRouting(),
            new RequestRatesStatus(requestRateOptions.Value.Window.TotalSeconds, await rates));
    }

    private ReadRoutingStatus ReadRouting()
    {
        var counts = consistency.Snapshot();
        return new ReadRoutingStatus(
            counts.StandbyReads,
            counts.PrimaryReadsBecauseToken,
            counts.PrimaryReadsBecauseStandbyUnavailable,
            counts.PrimaryReadsForced,
            Math.Round(counts.StandbyShare, 4),
            counts.Waits,
            Math.Round(counts.MeanWaitMilliseconds, 2),
            counts.TokensRefused,
            standbys.Nodes.Select(node => new NodeRoutingStatus(
                node.Endpoint,
                node.Role.ToString().ToLowerInvariant(),
                node.Position.ToString(),
                Math.Round(node.Lag.TotalMilliseconds, 1),
                node.Problem)).ToList());
    }

    /// <summary>The Redis server the multiplexer currently sends writes (and the session) to.</summary>
    private string? RedisPrimaryEndpoint() =>
        redis.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica)?.EndPoint.ToString();
}
