using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Holds the acknowledgement of a write until a standby has flushed it to its own disk: what Redis' <c>WAIT</c> does
/// for sessions, for the PostgreSQL writes that must survive the loss of the primary's machine (an order). Replication
/// stays asynchronous for everything else, and a lost standby never stops the primary's writes.
/// </summary>
/// <remarks>
/// <para>
/// Why not PostgreSQL's own synchronous replication (Patroni <c>synchronous_mode</c>)? It holds every commit of every
/// writer, and when the standby vanishes without closing its connection (a partition, a dead machine) every write
/// stalls until <c>wal_sender_timeout</c> and Patroni's next loop; docs/failover.md has the measurements. Here only the
/// writes that ask wait, for at most <see cref="ReplicatedDatabaseOptions.StandbyConfirmationTimeout"/>, and then fail
/// clearly (503) instead of hanging; a repeat with the same idempotency key returns the same result once confirmed.
/// </para>
/// <para>
/// The rule, read from the primary's <c>pg_stat_replication</c> on the connection that committed: a standby that is
/// streaming must have flushed the commit (<see cref="StandbyConfirmationState.Confirmed"/>); with no standby connected
/// there is nobody to wait for and the write is accepted on the primary alone (<see cref="StandbyConfirmationState.NoStandby"/>,
/// logged), as Patroni's non-strict synchronous mode does. A standby that the primary still lists but that no longer
/// answers (a partition) keeps writes failing until the primary drops it, after <c>wal_sender_timeout</c>.
/// </para>
/// <para>
/// "No standby" is believed only once this instance has seen none streaming for a whole timeout. A primary whose
/// postmaster dies loses its WAL senders before its backends notice: for a moment a committing backend sees no standby
/// while the standby, about to be promoted, misses the commit. Until the timeout has passed since the last standby was
/// seen streaming the confirmation keeps asking, so a dying primary's connection fails the write instead (not
/// acknowledged, the client repeats it), and a standby that really left only delays writes once, by at most the timeout.
/// </para>
/// <para>
/// While the primary's view says "not yet", the nodes of the instance's own region are asked directly first
/// (<see cref="OwnRegionStandbys"/>), for at most half the timeout: a standby that streams the commit's timeline and has
/// flushed it is proof enough, and for an instance far from the primary that question stays inside the region. When
/// none of them can tell (the own region holds the primary, or its standby does not stream that timeline), the primary
/// is asked as before.
/// </para>
/// <para>
/// The app's role reads the positions through <see cref="StandbysFunction"/>, a SECURITY DEFINER function that returns
/// only each standby's state and flushed position (deploy/patroni/shop-privileges.sql creates it and grants EXECUTE),
/// instead of holding <c>pg_read_all_stats</c>, which shows every statistic of every session.
/// </para>
/// </remarks>
public sealed partial class StandbyConfirmation<TContext>(
    TimeSpan timeout, TimeProvider time, ILogger logger, DataMetrics? metrics = null, OwnRegionStandbys? ownRegion = null)
    where TContext : DbContext
{
    private const string SnapshotColumns =
        """
        count(*),
        count(state),
        count(*) FILTER (WHERE state IN ('streaming', 'catchup')),
        max(flush_lsn) FILTER (WHERE state IN ('streaming', 'catchup'))
        """;

    /// <summary>pg_stat_replication's state and flush_lsn columns, for a role that may not read the view's details.</summary>
    public const string StandbysFunction = "replication_status.standbys()";

    // The primary's current timeline, from the name of the WAL file it writes (pg_control_checkpoint() lags a promotion).
    private const string TimelineSql = "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer";

    // The first round trip also learns the position the commit reached, and on which timeline.
    private const string FirstQuery = $"SELECT ({CommitPosition.Sql}), ({TimelineSql}), {SnapshotColumns} FROM {StandbysFunction}";
    private const string PollQuery = $"SELECT {SnapshotColumns} FROM {StandbysFunction}";

    private const string NotPermittedMessage =
        $"The database role may not read the standbys' positions (it needs EXECUTE on {StandbysFunction}, "
        + "deploy/patroni/shop-privileges.sql), so no commit can be confirmed.";

    private const long NeverSeen = long.MinValue;

    private readonly AtMostEvery _noStandbyLog = new(TimeSpan.FromSeconds(10), time);
    private readonly OwnRegionStandbys _ownRegion = ownRegion ?? OwnRegionStandbys.None;

    // When this instance last saw a standby streaming (a timestamp of the time provider's), or NeverSeen.
    private long _streamingSeenAt = NeverSeen;

    /// <summary>How long a write waits for a standby before it fails; zero switches confirmation off.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>
    /// Returns once the transaction that <paramref name="context"/> just committed is safe from the loss of the primary
    /// (confirmed, or no standby to confirm it); throws <see cref="WriteNotConfirmedException"/> if a standby does not
    /// confirm it within the timeout. Call it on the connection that committed, still open: open it yourself
    /// (<c>Database.OpenConnectionAsync</c>) before the transaction, so EF does not return it to the pool at COMMIT and
    /// the question is asked of the same server. Inside an execution strategy the whole attempt, confirmation
    /// included, is repeated after a lost connection, so write it to find its own earlier commit (an idempotency key).
    /// </summary>
    public async Task<StandbyConfirmationState> ConfirmCommitAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (timeout == TimeSpan.Zero)
        {
            return StandbyConfirmationState.NotRequested;
        }

        var started = time.GetTimestamp();
        return await MeasureAsync(connection => WaitForStandbyAsync(connection, started, cancellationToken), context, started);
    }

    private void Record(string outcome, long started, string? source = null) =>
        metrics?.RecordConfirmation(outcome, time.GetElapsedTime(started), source);

    /// <summary>
    /// The statement that reads the commit's position (and, when confirmation is on, the standbys' first snapshot), for
    /// the caller to send in the same round trip as its own transaction: last in an <see cref="NpgsqlBatch"/> without an
    /// explicit transaction, after a command with <see cref="NpgsqlBatchCommand.AppendErrorBarrier"/> set, so that the
    /// Sync before it has committed the transaction (the position read is then at or past the commit: see
    /// <see cref="CommitPosition"/>). Read its answer with <see cref="ReadCommitAsync"/>.
    /// </summary>
    public NpgsqlBatchCommand CreateCommitCommand() =>
        new(timeout == TimeSpan.Zero ? CommitPosition.Sql : FirstQuery) { AppendErrorBarrier = true };

    /// <summary>
    /// Reads the answer to <see cref="CreateCommitCommand"/>: moves <paramref name="reader"/> to the next result, which
    /// must be that command's. Throws <see cref="WriteNotConfirmedException"/> when the role may not read the standbys.
    /// </summary>
    public async Task<CommitAnswer> ReadCommitAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var started = time.GetTimestamp();
        try
        {
            if (!await reader.NextResultAsync(cancellationToken) || !await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The batch ended before the commit position's answer.");
            }

            var position = reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
            return timeout == TimeSpan.Zero
                ? new CommitAnswer(position, null, started)
                : new CommitAnswer(position, ReadSnapshot(reader, offset: 2), started) { Timeline = reader.GetInt32(1) };
        }
        catch (PostgresException e) when (ReplicationStatusAccess.IsDenied(e))
        {
            LogNotPermitted("the app's role", StandbysFunction, e.MessageText);
            Record(MetricOutcome.Error, started);
            throw new WriteNotConfirmedException(NotPermittedMessage);
        }
    }

    /// <summary>
    /// <see cref="ConfirmCommitAsync(TContext, CancellationToken)"/> for a commit whose position and first snapshot came
    /// with the transaction (<see cref="ReadCommitAsync"/>): no round trip at all when that snapshot already confirms it.
    /// </summary>
    public async Task<StandbyConfirmationState> ConfirmCommitAsync(TContext context, CommitAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (answer.Standbys is not { } first)
        {
            return StandbyConfirmationState.NotRequested;
        }

        return await MeasureAsync(
            connection => PollUntilConfirmedAsync(connection, answer.Position, answer.Timeline, first, answer.ReadAt, cancellationToken),
            context, answer.ReadAt);
    }

    private async Task<StandbyConfirmationState> MeasureAsync(Func<NpgsqlConnection, Task<Decision>> wait, TContext context, long started)
    {
        try
        {
            var (state, source) = await wait(OpenConnection(context));
            Record(state == StandbyConfirmationState.NoStandby ? DataMetrics.NoStandby : MetricOutcome.Ok, started, source);
            return state;
        }
        catch (WriteNotConfirmedException)
        {
            // Refused at once when the role may not read the positions (error); only a standby that never caught up uses the whole timeout.
            Record(time.GetElapsedTime(started) >= timeout ? MetricOutcome.Timeout : MetricOutcome.Error, started);
            throw;
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            Record(MetricOutcome.Of(e), started);
            throw;
        }
    }

    private static NpgsqlConnection OpenConnection(TContext context) =>
        context.Database.GetDbConnection() is NpgsqlConnection { State: ConnectionState.Open } connection
            ? connection
            : throw new InvalidOperationException(
                "Confirm a commit on the connection that made it: open the context's connection before the transaction.");

    private async Task<Decision> WaitForStandbyAsync(NpgsqlConnection connection, long started, CancellationToken cancellationToken)
    {
        NpgsqlLogSequenceNumber commit;
        int timeline;
        ReplicationSnapshot snapshot;
        try
        {
            await using var first = new NpgsqlCommand(FirstQuery, connection);
            await using var reader = await first.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            commit = reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
            timeline = reader.GetInt32(1);
            snapshot = ReadSnapshot(reader, offset: 2);
        }
        catch (PostgresException e) when (ReplicationStatusAccess.IsDenied(e))
        {
            LogNotPermitted(connection.UserName ?? "the app's role", StandbysFunction, e.MessageText);
            throw new WriteNotConfirmedException(NotPermittedMessage);
        }

        return await PollUntilConfirmedAsync(connection, commit, timeline, snapshot, started, cancellationToken);
    }

    private async Task<Decision> PollUntilConfirmedAsync(NpgsqlConnection connection, NpgsqlLogSequenceNumber commit, int timeline,
        ReplicationSnapshot snapshot, long started, CancellationToken cancellationToken)
    {
        NoteStreaming(snapshot);
        if (snapshot.Evaluate(commit) == StandbyConfirmationState.Pending && _ownRegion.Any)
        {
            // Half the timeout at most: a standby of the region that streams but has stopped flushing must leave the
            // primary time to hear from another one.
            var budget = timeout / 2 - time.GetElapsedTime(started);
            if (budget > TimeSpan.Zero && await _ownRegion.WaitForFlushAsync(commit, timeline, budget, cancellationToken))
            {
                SeenStreaming();
                return new Decision(StandbyConfirmationState.Confirmed, DataMetrics.OwnRegion);
            }
        }

        var delay = ConfirmationPolling.FirstDelay;
        while (true)
        {
            var state = snapshot.Evaluate(commit);
            var waited = time.GetElapsedTime(started);
            var left = timeout - waited;
            switch (state)
            {
                case StandbyConfirmationState.Confirmed:
                    return new Decision(state, DataMetrics.Primary);
                case StandbyConfirmationState.NoStandby:
                    var unseenFor = SinceStreamingSeen();
                    if (unseenFor >= timeout)
                    {
                        LogNoStandbyNowAndThen(commit);
                        return new Decision(state, DataMetrics.Primary);
                    }

                    // A standby streamed moments ago: its absence may be this primary dying. Ask again until it has been
                    // missing for a whole timeout, or fail when the write's own timeout ends first.
                    left = left < timeout - unseenFor ? left : timeout - unseenFor;
                    break;
                case StandbyConfirmationState.NotPermitted:
                    LogNotPermitted(connection.UserName ?? "the app's role", StandbysFunction, "it sees rows without their state");
                    throw new WriteNotConfirmedException(NotPermittedMessage);
            }

            if (waited >= timeout)
            {
                LogNotConfirmed(commit, snapshot.HighestFlush?.ToString() ?? "none", waited.TotalMilliseconds);
                throw new WriteNotConfirmedException(
                    $"No standby confirmed the commit at {commit} within {timeout.TotalMilliseconds:0} ms.");
            }

            await Task.Delay(ConfirmationPolling.Within(delay, left), time, cancellationToken);
            delay = ConfirmationPolling.Next(delay);
            await using var poll = new NpgsqlCommand(PollQuery, connection);
            await using var reader = await poll.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            snapshot = ReadSnapshot(reader, offset: 0);
            NoteStreaming(snapshot);
        }
    }

    private void NoteStreaming(ReplicationSnapshot snapshot)
    {
        if (snapshot.ReplicatingStandbys > 0)
        {
            SeenStreaming();
        }
    }

    private void SeenStreaming() => Volatile.Write(ref _streamingSeenAt, time.GetTimestamp());

    private TimeSpan SinceStreamingSeen() =>
        Volatile.Read(ref _streamingSeenAt) is var seenAt && seenAt == NeverSeen ? TimeSpan.MaxValue : time.GetElapsedTime(seenAt);

    /// <summary>What a confirmation decided, and who told (<see cref="DataMetrics.Primary"/> or <see cref="DataMetrics.OwnRegion"/>).</summary>
    private readonly record struct Decision(StandbyConfirmationState State, string Source);

    private static ReplicationSnapshot ReadSnapshot(NpgsqlDataReader reader, int offset) => new(
        reader.GetInt64(offset),
        reader.GetInt64(offset + 1),
        reader.GetInt64(offset + 2),
        reader.IsDBNull(offset + 3) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(offset + 3));

    // While a region is down every confirmed write would say so; once per interval is enough to see it in the logs.
    private void LogNoStandbyNowAndThen(NpgsqlLogSequenceNumber commit)
    {
        if (_noStandbyLog.Now())
        {
            LogNoStandby(commit);
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "No standby is connected: the commit at {Commit} is on the primary only (accepted; logged at most every 10 s)")]
    private partial void LogNoStandby(NpgsqlLogSequenceNumber commit);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "No standby confirmed the commit at {Commit} within {WaitedMs:0} ms (furthest standby flush: {HighestFlush}): answering 503, the write stays on the primary")]
    private partial void LogNotConfirmed(NpgsqlLogSequenceNumber commit, string highestFlush, double waitedMs);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error,
        Message = "Role {Role} cannot read the standbys' positions through {Function} ({Reason}): run deploy/patroni/shop-privileges.sql (EXECUTE for the role), or set Database:StandbyConfirmationTimeout to 00:00:00")]
    private partial void LogNotPermitted(string role, string function, string reason);
}
