using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Identity;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Asks each connection where it landed. A node that cannot be reached is reported, not thrown: the status page is
/// most useful exactly while something is down.
/// </summary>
public sealed partial class StatusReporter(
    IOptions<InstanceOptions> instance,
    IConnectionMultiplexer redis,
    ShopDbContext primary,
    ReadOnlyDbContext<ShopDbContext> readOnly,
    ConsistencyMetrics consistency,
    StandbyMonitor standbys,
    ILogger<StatusReporter> logger)
{
    public async Task<StatusReport> ReportAsync(CancellationToken cancellationToken)
    {
        var writes = await DescribeNodeAsync(primary, "writes", cancellationToken);
        var reads = await DescribeNodeAsync(readOnly.Context, "reads", cancellationToken);
        return new StatusReport(instance.Value.Region, instance.Value.Name, RedisPrimaryEndpoint(), writes, reads, ReadRouting());
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

    private async Task<DatabaseNodeStatus> DescribeNodeAsync(ShopDbContext db, string purpose, CancellationToken cancellationToken)
    {
        try
        {
            var node = await db.Database
                .SqlQuery<NodeRow>($"""
                    SELECT host(inet_server_addr()) AS "Address", inet_server_port() AS "Port", pg_is_in_recovery() AS "InRecovery"
                    """)
                .SingleAsync(cancellationToken);
            return new DatabaseNodeStatus(node.Address, node.Port, node.InRecovery, Error: null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNodeUnreachable(purpose, exception.Message);
            return new DatabaseNodeStatus(null, null, null, "unreachable");
        }
    }

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Status: the PostgreSQL node for {Purpose} is unreachable: {Reason}")]
    private partial void LogNodeUnreachable(string purpose, string reason);

    private sealed record NodeRow(string? Address, int? Port, bool InRecovery);
}
