using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// The read rule with consistency tokens, and with regions when they are configured (<see cref="RegionalReadRule"/>).
/// No token (or opted out): the next usable standby (of the instance's own region first). A token: a usable standby
/// whose replay position is known to be at or past it; else the most advanced one, polled until it gets there or
/// <see cref="ConsistencyOptions.MaxWait"/> runs out; else the primary. The standby that satisfied the token is exactly
/// the one whose data source is returned: another standby catching up proves nothing about this one.
/// </summary>
internal sealed class ConsistentReadSelector(
    StandbyMonitor monitor,
    ConsistencyScope scope,
    ConsistencyMetrics metrics,
    IOptions<ConsistencyOptions> options,
    IOptions<InstanceOptions> instance,
    TimeProvider time) : IReadDataSourceSelector
{
    // EF opens the connection per query: a request that already waited in vain does not wait again for its next query.
    private bool _waitedInVain;

    public NpgsqlDataSource SelectReadSource(ReplicatedDataSource dataSource)
    {
        if (scope.IsPrimaryForced)
        {
            return Chosen(dataSource.Primary, ReadDestination.PrimaryForced);
        }

        // Synchronous calls must not wait: only what we already know can send them to a standby.
        var required = scope.AllowsStaleReads ? null : scope.RequiredPosition();
        var usable = monitor.UsableStandbys();
        return Follow(dataSource, usable, Decide(usable, required, mayWait: false));
    }

    public async ValueTask<NpgsqlDataSource> SelectReadSourceAsync(ReplicatedDataSource dataSource, CancellationToken cancellationToken)
    {
        if (scope.IsPrimaryForced)
        {
            return Chosen(dataSource.Primary, ReadDestination.PrimaryForced);
        }

        await monitor.CheckSuspectsAsync(cancellationToken);
        var required = scope.AllowsStaleReads ? null : await scope.RequiredPositionAsync(cancellationToken);
        var usable = monitor.UsableStandbys();
        var decision = Decide(usable, required, mayWait: !_waitedInVain);
        return decision.Wait
            ? await WaitForStandbyAsync(dataSource, usable[decision.Standby], decision.Destination, required!.Value, cancellationToken)
            : Follow(dataSource, usable, decision);
    }

    private ReadDecision Decide(IReadOnlyList<StandbyMonitor.TrackedNode> usable, NpgsqlLogSequenceNumber? required, bool mayWait) =>
        RegionalReadRule.Decide(
            instance.Value.Region,
            monitor.Primary?.Node.Region,
            usable.Select(node => new ReadCandidate(node.Node.Region, node.Observation.Position)).ToList(),
            required,
            mayWait,
            required is null ? monitor.NextTurn() : 0);

    private NpgsqlDataSource Follow(ReplicatedDataSource dataSource, IReadOnlyList<StandbyMonitor.TrackedNode> usable, ReadDecision decision) =>
        Chosen(decision.IsPrimary ? dataSource.Primary : usable[decision.Standby].Node.DataSource, decision.Destination);

    private async ValueTask<NpgsqlDataSource> WaitForStandbyAsync(ReplicatedDataSource dataSource, StandbyMonitor.TrackedNode candidate,
        ReadDestination destination, NpgsqlLogSequenceNumber token, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();

        // Asked of the primary with a query sent after this request began (so after the token was minted): a token
        // ahead of the primary itself was minted on a timeline the cluster no longer has (a failover lost the tail of
        // the old primary's WAL) or cannot be read: no standby will reach it soon, the primary is the answer. Asked
        // while the standby is asked, so it costs no time.
        var primaryCheck = monitor.Primary is { } primary
            ? monitor.RefreshAsync(primary, scope.StartedAt, cancellationToken)
            : null;
        var step = TimeSpan.FromMilliseconds(1);
        var fresh = time.GetUtcNow() - settings.PositionCacheTime; // first look: what a concurrent request just learnt will do
        while (true)
        {
            var observation = await monitor.RefreshAsync(candidate, fresh, cancellationToken);
            var waited = time.GetElapsedTime(started);
            if (!observation.IsUsableStandby)
            {
                metrics.RecordWait(waited, ConsistencyMetrics.StandbyUnavailable);
                return Chosen(dataSource.Primary, ReadDestination.PrimaryBecauseStandbyUnavailable);
            }

            if (observation.Position >= token)
            {
                metrics.RecordWait(waited, MetricOutcome.Ok);
                return Chosen(candidate.Node.DataSource, destination);
            }

            if (primaryCheck is not null)
            {
                var onPrimary = await primaryCheck;
                primaryCheck = null;
                if (onPrimary.Role == NodeRole.Primary && token > onPrimary.Position)
                {
                    _waitedInVain = true;
                    return Chosen(dataSource.Primary, ReadDestination.PrimaryBecauseToken);
                }
            }

            var remaining = settings.MaxWait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                _waitedInVain = true;
                metrics.RecordWait(waited, MetricOutcome.Timeout);
                return Chosen(dataSource.Primary, ReadDestination.PrimaryBecauseToken);
            }

            // Replay on a healthy standby is usually a millisecond or two behind: ask again soon, then less often.
            await Task.Delay(Min(step, remaining), time, cancellationToken);
            step = Min(step * 2, settings.PositionCacheTime);
            fresh = time.GetUtcNow(); // from now on, only a query sent after the pause says anything new
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private NpgsqlDataSource Chosen(NpgsqlDataSource source, ReadDestination destination)
    {
        metrics.RecordRead(destination);
        Activity.Current?.SetTag("statelessapp.read.destination", ConsistencyMetrics.Tag(destination));
        return source;
    }
}
