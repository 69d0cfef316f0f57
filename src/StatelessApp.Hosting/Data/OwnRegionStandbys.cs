using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// The PostgreSQL nodes of the instance's own region, asked directly whether they have flushed a commit
/// (<see cref="StandbyConfirmation{TContext}"/>). For an instance far from the primary their answer is one round trip
/// inside the region, while the primary learns the same fact only once the standby's feedback has crossed back, and the
/// question and its answer then cross again (docs/latency.md, "A checkout's round trips to the primary").
/// </summary>
/// <remarks>
/// A node vouches for a commit only while it streams the timeline the commit was made on (<see cref="WalReceiverSnapshot"/>);
/// anything else (the node is the primary, or not streaming, or on another timeline, or unreachable, or the function is
/// missing) makes it unable to tell, and the primary's view decides as before. Read through
/// <see cref="ReceiverFunction"/>, a SECURITY DEFINER function like <see cref="StandbyConfirmation{TContext}.StandbysFunction"/>:
/// <c>pg_stat_wal_receiver</c> hides its columns from roles without <c>pg_read_all_stats</c>.
/// </remarks>
public sealed partial class OwnRegionStandbys
{
    /// <summary>pg_stat_wal_receiver's status, received_tli and flushed_lsn, for a role that may not read the view's details.</summary>
    public const string ReceiverFunction = "replication_status.receiver()";

    private const string Query = $"SELECT status, received_tli, flushed_lsn FROM {ReceiverFunction}";

    private readonly IReadOnlyList<DatabaseNode> _nodes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AtMostEvery _notPermittedLog;

    public OwnRegionStandbys(IReadOnlyList<DatabaseNode> nodes, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes;
        _time = time;
        _logger = logger;
        _notPermittedLog = new AtMostEvery(TimeSpan.FromMinutes(10), time);
    }

    /// <summary>No node to ask: every confirmation asks the primary.</summary>
    public static OwnRegionStandbys None { get; } = new([], TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>The nodes of <paramref name="dataSource"/> in <paramref name="region"/> (none when either has no regions).</summary>
    public static OwnRegionStandbys In(ReplicatedDataSource dataSource, string? region, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return string.IsNullOrEmpty(region)
            ? None
            : new OwnRegionStandbys(dataSource.Nodes.Where(node => node.Region == region).ToList(), time, logger);
    }

    /// <summary>True when there is at least one node to ask.</summary>
    public bool Any => _nodes.Count > 0;

    /// <summary>
    /// Asks the nodes until one of them has flushed the commit at <paramref name="commit"/> of
    /// <paramref name="timeline"/> (true), none of them can tell (false), or <paramref name="budget"/> has run out
    /// (false). The caller's cancellation is thrown.
    /// </summary>
    public async Task<bool> WaitForFlushAsync(NpgsqlLogSequenceNumber commit, int timeline, TimeSpan budget, CancellationToken cancellationToken)
    {
        using var limit = new LinkedTimeout(budget, _time, cancellationToken);
        var asking = new List<(DatabaseNode Node, NpgsqlConnection Connection)>();
        try
        {
            foreach (var node in _nodes)
            {
                if (await OpenAsync(node, limit.Token) is { } connection)
                {
                    asking.Add((node, connection));
                }
            }

            var delay = ConfirmationPolling.FirstDelay;
            while (asking.Count > 0)
            {
                for (var i = asking.Count - 1; i >= 0; i--)
                {
                    switch (await AskAsync(asking[i].Node, asking[i].Connection, commit, timeline, limit.Token))
                    {
                        case WalReceiverVerdict.Flushed:
                            return true;
                        case WalReceiverVerdict.CannotTell:
                            await asking[i].Connection.DisposeAsync();
                            asking.RemoveAt(i);
                            break;
                    }
                }

                if (asking.Count > 0)
                {
                    await Task.Delay(delay, _time, limit.Token);
                    delay = ConfirmationPolling.Next(delay);
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (limit.TimedOut)
        {
            return false;
        }
        finally
        {
            foreach (var (_, connection) in asking)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<NpgsqlConnection?> OpenAsync(DatabaseNode node, CancellationToken cancellationToken)
    {
        try
        {
            return await node.DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            LogCannotAsk(node.Endpoint, e.Message);
            return null;
        }
    }

    private async Task<WalReceiverVerdict> AskAsync(
        DatabaseNode node, NpgsqlConnection connection, NpgsqlLogSequenceNumber commit, int timeline, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(Query, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return WalReceiverVerdict.CannotTell; // no WAL receiver: the node is a primary (or has never streamed)
            }

            var snapshot = new WalReceiverSnapshot(
                reader.IsDBNull(0) ? "" : reader.GetString(0),
                reader.IsDBNull(1) ? 0 : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(2));
            return snapshot.Evaluate(commit, timeline);
        }
        catch (PostgresException e) when (ReplicationStatusAccess.IsDenied(e))
        {
            if (_notPermittedLog.Now())
            {
                LogNotPermitted(node.Endpoint, ReceiverFunction, e.MessageText);
            }

            return WalReceiverVerdict.CannotTell;
        }
        catch (NpgsqlException e)
        {
            LogCannotAsk(node.Endpoint, e.Message);
            return WalReceiverVerdict.CannotTell;
        }
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug,
        Message = "Could not ask {Node}, in the instance's region, whether it flushed a commit ({Reason}): the primary decides")]
    private partial void LogCannotAsk(string node, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "The app's role cannot read {Node}'s WAL receiver through {Function} ({Reason}): confirmations ask the primary, one more round trip between regions; run deploy/patroni/shop-privileges.sql (logged at most every 10 min)")]
    private partial void LogNotPermitted(string node, string function, string reason);
}
