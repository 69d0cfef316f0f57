using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// Knows, per node, the role and WAL position, from two sources: a background probe of every node each
/// <see cref="ConsistencyOptions.ProbeInterval"/> (finds unreachable and lagging standbys, and the primary's position),
/// and on-demand refreshes of one node when a token is above what we know (<see cref="RefreshAsync"/>), shared by all
/// requests that ask within <see cref="ConsistencyOptions.PositionCacheTime"/>.
/// </summary>
public sealed partial class StandbyMonitor : BackgroundService
{
    // One query answers both roles: on a standby the replay position, on the primary the write position.
    private const string ProbeSql =
        "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";

    private readonly TrackedNode[] _nodes;
    private readonly ConsistencyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StandbyMonitor> _logger;
    private readonly PrimaryHistory _primaryHistory;
    private int _roundRobin;

    public StandbyMonitor(ReplicatedDataSource dataSource, IOptions<ConsistencyOptions> options, TimeProvider time, ILogger<StandbyMonitor> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _nodes = dataSource.Nodes.Select(node => new TrackedNode(node, time.GetUtcNow())).ToArray();
        _primaryHistory = new PrimaryHistory(_options.MaxStandbyLag * 2);
        // A failed read or write was retried: some node changed. Nodes are re-asked before they are used again.
        dataSource.TopologyForgotten += () =>
        {
            foreach (var node in _nodes)
            {
                node.Suspect = true;
            }
        };
    }

    /// <summary>Probes every node once before the app takes requests, so the first reads already know the standbys.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_nodes.Select(node => ProbeAsync(node, cancellationToken)));
        await base.StartAsync(cancellationToken);
    }

    /// <summary>The last observation of every node, in connection-string order (for the status page).</summary>
    public IReadOnlyList<NodeObservation> Nodes => _nodes.Select(node => node.Observation).ToList();

    /// <summary>Standbys that reads may use right now.</summary>
    internal IReadOnlyList<TrackedNode> UsableStandbys() =>
        _nodes.Where(node => node.Observation.IsUsableStandby && !node.Suspect).ToList();

    /// <summary>Re-asks every suspect node (after a failure); the others cost nothing.</summary>
    internal Task CheckSuspectsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_nodes.Where(node => node.Suspect).Select(node => RefreshAsync(node, cancellationToken)));


    /// <summary>A number that changes with every call: the read rule takes the next standby in turn with it.</summary>
    internal uint NextTurn() => (uint)Interlocked.Increment(ref _roundRobin);

    /// <summary>The node last seen as primary (re-evaluated per read: it moves with a failover), or null.</summary>
    internal TrackedNode? Primary => _nodes.FirstOrDefault(node => node.Observation.Role == NodeRole.Primary);

    /// <summary>
    /// The node's position as observed by a query sent at or after <paramref name="notBefore"/>: the cached observation if
    /// it is that recent, else a new query. Concurrent callers share one query. A failure marks the node unreachable
    /// (reads skip it until a probe succeeds).
    /// </summary>
    internal Task<NodeObservation> RefreshAsync(TrackedNode node, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        if (!node.Suspect && node.Observation.ObservedAt >= notBefore)
        {
            return Task.FromResult(node.Observation);
        }

        Task<NodeObservation> shared;
        lock (node)
        {
            // The in-flight query is shared if it was sent late enough; the caller's cancellation only stops its own wait
            // (the query itself is bounded by ProbeTimeout).
            if (node.Refreshing is { } inFlight && node.RefreshingSince >= notBefore)
            {
                shared = inFlight;
            }
            else
            {
                node.RefreshingSince = _time.GetUtcNow();
                var refresh = ProbeAsync(node, CancellationToken.None);
                node.Refreshing = refresh;
                _ = refresh.ContinueWith(
                    _ =>
                    {
                        lock (node)
                        {
                            if (ReferenceEquals(node.Refreshing, refresh))
                            {
                                node.Refreshing = null;
                            }
                        }
                    },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                shared = refresh;
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    /// <summary>Cache semantics: an observation younger than PositionCacheTime is good enough.</summary>
    internal Task<NodeObservation> RefreshAsync(TrackedNode node, CancellationToken cancellationToken) =>
        RefreshAsync(node, _time.GetUtcNow() - _options.PositionCacheTime, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval, _time);
        do
        {
            await Task.WhenAll(_nodes.Select(node => ProbeAsync(node, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Asks the node its role and position within <see cref="ConsistencyOptions.ProbeTimeout"/>. No answer in time, or a
    /// failure, marks it unreachable (logged once per change); the caller's cancellation leaves the node as it was and
    /// surfaces as <see cref="OperationCanceledException"/>.
    /// </summary>
    private async Task<NodeObservation> ProbeAsync(TrackedNode node, CancellationToken cancellationToken)
    {
        var wasSuspect = node.Suspect;
        node.Suspect = false;
        var previous = node.Observation;
        NodeObservation observation;
        using var budget = new LinkedTimeout(_options.ProbeTimeout, _time, cancellationToken);
        try
        {
            await using var connection = await node.Node.DataSource.OpenConnectionAsync(budget.Token);
            await using var command = new NpgsqlCommand(ProbeSql, connection);
            // The position is read at some moment after this: the observation is at least this recent.
            var sentAt = _time.GetUtcNow();
            await using var reader = await command.ExecuteReaderAsync(budget.Token);
            await reader.ReadAsync(budget.Token);
            var inRecovery = reader.GetBoolean(0);
            // A standby that has not replayed anything yet reports NULL: position zero, it satisfies no token.
            var position = reader.IsDBNull(1) ? default : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
            observation = Observe(node, inRecovery ? NodeRole.Standby : NodeRole.Primary, position, sentAt);
        }
        catch (OperationCanceledException) when (budget.CallerCancelled)
        {
            node.Suspect |= wasSuspect;
            throw;
        }
        catch (Exception e) when (budget.CallerCancelled)
        {
            node.Suspect |= wasSuspect;
            // Npgsql may report a cancelled open as its own exception: still the caller's cancellation, not the node's fault.
            throw new OperationCanceledException("The probe was cancelled by its caller.", e, cancellationToken);
        }
        catch (Exception e) when (budget.TimedOut
            || e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            observation = new NodeObservation(node.Node.Endpoint, NodeRole.Unreachable, previous.Position, previous.Lag,
                _time.GetUtcNow(), "unreachable");
            if (previous.Role != NodeRole.Unreachable)
            {
                LogUnreachable(node.Node.Endpoint,
                    budget.TimedOut ? $"no answer within {_options.ProbeTimeout.TotalMilliseconds:0} ms" : e.Message);
            }
        }

        node.Observation = observation;
        if (previous.IsUsableStandby != observation.IsUsableStandby && observation.Role != NodeRole.Unreachable)
        {
            var reason = observation.Problem ?? (observation.Role == NodeRole.Primary ? "it is the primary" : "caught up");
            LogUsabilityChanged(node.Node.Endpoint, observation.IsUsableStandby ? "usable for reads" : "skipped for reads", reason);
        }

        return observation;
    }

    private NodeObservation Observe(TrackedNode node, NodeRole role, NpgsqlLogSequenceNumber position, DateTimeOffset now)
    {
        if (role == NodeRole.Primary)
        {
            _primaryHistory.Add(now, position);
            return new NodeObservation(node.Node.Endpoint, role, position, TimeSpan.Zero, now, null);
        }

        // With no primary seen for a while (it died; a failover is under way) nothing newer than what this standby has can
        // be read anywhere: it is the freshest node there is, and about to be promoted. Measuring its lag against the dead
        // primary's last positions would skip it for reads and send them to a primary that is not there (503s).
        if (_primaryHistory.LastSampleAt is not { } lastPrimary || now - lastPrimary > _options.ProbeInterval * 4)
        {
            return new NodeObservation(node.Node.Endpoint, role, position, TimeSpan.Zero, now, null);
        }

        var lag = _primaryHistory.LagOf(position, now);
        string? problem = null;
        if (lag > _options.MaxStandbyLag)
        {
            problem = $"lagging {lag.TotalMilliseconds:0} ms behind the primary (bound {_options.MaxStandbyLag.TotalMilliseconds:0} ms)";
        }

        return new NodeObservation(node.Node.Endpoint, role, position, lag, now, problem);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "PostgreSQL node {Endpoint} is unreachable, reads skip it: {Reason}")]
    private partial void LogUnreachable(string endpoint, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "PostgreSQL standby {Endpoint} is now {State} ({Reason})")]
    private partial void LogUsabilityChanged(string endpoint, string state, string reason);

    /// <summary>A node, its last observation and the refresh in flight.</summary>
    internal sealed class TrackedNode(DatabaseNode node, DateTimeOffset createdAt)
    {
        private volatile NodeObservation _observation = new(node.Endpoint, NodeRole.Unknown, default, TimeSpan.Zero,
            createdAt - TimeSpan.FromDays(1), "not probed yet");

        public DatabaseNode Node { get; } = node;

        public NodeObservation Observation
        {
            get => _observation;
            set => _observation = value;
        }

        public Task<NodeObservation>? Refreshing { get; set; }

        public DateTimeOffset RefreshingSince { get; set; }

        /// <summary>Set after a failure somewhere in the cluster: the observation must be refreshed before use.</summary>
        public bool Suspect { get; set; }
    }

    /// <summary>
    /// Recent (time, primary position) samples: a standby at position P is as far behind as the oldest sample it has not
    /// replayed yet. Time-based, so an idle primary does not make a standby look behind.
    /// </summary>
    private sealed class PrimaryHistory(TimeSpan keep)
    {
        private readonly Queue<(DateTimeOffset At, NpgsqlLogSequenceNumber Position)> _samples = new();

        /// <summary>When a primary was last seen, or null if never.</summary>
        public DateTimeOffset? LastSampleAt
        {
            get
            {
                lock (_samples)
                {
                    return _lastAt;
                }
            }
        }

        private DateTimeOffset? _lastAt;

        public void Add(DateTimeOffset at, NpgsqlLogSequenceNumber position)
        {
            lock (_samples)
            {
                _samples.Enqueue((at, position));
                _lastAt = at;
                while (_samples.Count > 0 && at - _samples.Peek().At > keep)
                {
                    _samples.Dequeue();
                }

            }
        }

        public TimeSpan LagOf(NpgsqlLogSequenceNumber replayed, DateTimeOffset now)
        {
            lock (_samples)
            {
                foreach (var sample in _samples)
                {
                    if (sample.Position > replayed)
                    {
                        return now - sample.At;
                    }
                }

                return TimeSpan.Zero;
            }
        }
    }
}
