using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Decides where the reads of a <see cref="ReadOnlyDbContext{TContext}"/> go. Asked each time the read context opens its
/// connection (<see cref="ReadRoutingInterceptor"/>), so a retry after a failure is routed again. The one place a
/// consistency rule belongs: e.g. "this user has just written; read from the primary, or from a standby that has
/// replayed past the user's token" (<c>StatelessApp.Hosting.Consistency</c>). Registered scoped; replace it to change the rule.
/// </summary>
public interface IReadDataSourceSelector
{
    /// <summary>For synchronous EF calls: must decide without waiting on I/O.</summary>
    NpgsqlDataSource SelectReadSource(ReplicatedDataSource dataSource);

    /// <summary>For asynchronous EF calls (the normal case): may wait briefly, e.g. for a standby to catch up.</summary>
    ValueTask<NpgsqlDataSource> SelectReadSourceAsync(ReplicatedDataSource dataSource, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SelectReadSource(dataSource));
}
