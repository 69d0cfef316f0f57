using Microsoft.EntityFrameworkCore;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>The PostgreSQL nodes this instance's writes and reads land on, as the status report shows them.</summary>
public sealed record DatabaseNodes(DatabaseNodeStatus Writes, DatabaseNodeStatus Reads);

/// <summary>
/// The status report's database queries, asked at most once per <see cref="MaxAge"/> on this instance however often
/// /api/status and /Status are called (callers meanwhile share the last answer, or the query in flight): a flood of
/// status calls costs the primary one query per instance every 2 s, not one per call. Kept in the process on purpose:
/// it describes this instance and belongs to no user. The shared query does not stop when one caller gives up (each
/// caller's wait does); Database:CommandTimeoutSeconds bounds it.
/// </summary>
public sealed partial class DatabaseNodesCache
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly Func<Task<DatabaseNodes>> _query;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<DatabaseNodes>? _current;
    private long _startedAt;

    public DatabaseNodesCache(IServiceScopeFactory scopes, TimeProvider time, ILogger<DatabaseNodesCache> logger)
        : this(() => QueryAsync(scopes, logger), time)
    {
    }

    internal DatabaseNodesCache(Func<Task<DatabaseNodes>> query, TimeProvider time)
    {
        _query = query;
        _time = time;
    }

    public Task<DatabaseNodes> GetAsync(CancellationToken cancellationToken)
    {
        Task<DatabaseNodes> current;
        lock (_gate)
        {
            if (_current is null || _current.IsFaulted || _current.IsCanceled
                || (_current.IsCompletedSuccessfully && _time.GetElapsedTime(_startedAt) >= MaxAge))
            {
                _startedAt = _time.GetTimestamp();
                // Not the caller's execution context: the shared query must not read one request's HttpContext (its
                // consistency token) on behalf of all.
                using (ExecutionContext.SuppressFlow())
                {
                    _current = Task.Run(_query);
                }
            }

            current = _current;
        }

        return current.WaitAsync(cancellationToken);
    }

    private static async Task<DatabaseNodes> QueryAsync(IServiceScopeFactory scopes, ILogger logger)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var writes = await DescribeNodeAsync(services.GetRequiredService<ShopDbContext>(), "writes", logger);
        var reads = await DescribeNodeAsync(services.GetRequiredService<ReadOnlyDbContext<ShopDbContext>>().Context, "reads", logger);
        return new DatabaseNodes(writes, reads);
    }

    /// <summary>A node that cannot be reached is reported, not thrown: the status page is most useful while something is down.</summary>
    private static async Task<DatabaseNodeStatus> DescribeNodeAsync(ShopDbContext db, string purpose, ILogger logger)
    {
        try
        {
            var node = await db.Database
                .SqlQuery<NodeRow>($"""
                    SELECT host(inet_server_addr()) AS "Address", inet_server_port() AS "Port", pg_is_in_recovery() AS "InRecovery"
                    """)
                .SingleAsync();
            return new DatabaseNodeStatus(node.Address, node.Port, node.InRecovery, Error: null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNodeUnreachable(logger, purpose, exception.Message);
            return new DatabaseNodeStatus(null, null, null, "unreachable");
        }
    }

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Status: the PostgreSQL node for {Purpose} is unreachable: {Reason}")]
    private static partial void LogNodeUnreachable(ILogger logger, string purpose, string reason);

    private sealed record NodeRow(string? Address, int? Port, bool InRecovery);
}
