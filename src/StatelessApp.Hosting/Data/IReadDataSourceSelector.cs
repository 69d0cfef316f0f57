using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Decides, once per scope (request), where the reads of a <see cref="ReadOnlyDbContext{TContext}"/> go. The one place
/// a consistency rule belongs: e.g. "this user has just written; read from the primary, or from a standby that has
/// replayed past the user's token". Registered scoped; replace it to change the rule.
/// </summary>
public interface IReadDataSourceSelector
{
    NpgsqlDataSource SelectReadSource(ReplicatedDataSource dataSource);
}
