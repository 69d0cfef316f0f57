using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Retries a unit of work after a failure that a failover or restart produces (see <see cref="TransientDatabaseFailure"/>),
/// and before each retry makes Npgsql forget the topology, so the next attempt finds the current primary (or a live
/// standby) instead of reusing a pooled connection to the node that just failed.
/// </summary>
/// <remarks>
/// Only WHOLE units of work are retried, never a single statement: EF runs each <c>SaveChanges</c> in its own transaction
/// and replays it whole (the change tracker keeps the changes until the commit succeeds), and it refuses a user
/// transaction unless the whole block is passed to <c>Database.CreateExecutionStrategy().ExecuteAsync(...)</c>. When a
/// connection dies, PostgreSQL rolls back everything the transaction did; replaying only the failed statement on a new
/// connection would commit half a unit of work. One case stays ambiguous: a connection lost while COMMIT is in flight
/// may have committed; a unit of work that must not run twice needs an idempotency key.
/// </remarks>
internal sealed partial class FailoverAwareExecutionStrategy : ExecutionStrategy
{
    private readonly ReplicatedDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly DataMetrics _metrics;

    public FailoverAwareExecutionStrategy(
        ExecutionStrategyDependencies dependencies,
        ReplicatedDataSource dataSource,
        ReplicatedDatabaseOptions options,
        DataMetrics metrics,
        ILogger logger)
        : base(dependencies, options.MaxRetryCount, options.MaxRetryDelay)
    {
        _dataSource = dataSource;
        _logger = logger;
        _metrics = metrics;
    }

    protected override bool ShouldRetryOn(Exception exception) => TransientDatabaseFailure.IsTransient(exception);

    protected override void OnRetry()
    {
        var failure = ExceptionsEncountered[^1];
        LogRetrying(_logger, ExceptionsEncountered.Count, TransientDatabaseFailure.Describe(failure));
        _metrics.RecordRetry(TransientDatabaseFailure.Kind(failure));
        _dataSource.ForgetTopology();
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Database failure on attempt {Attempt}, re-discovering hosts and retrying the unit of work: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, string reason);
}
