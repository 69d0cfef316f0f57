using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>The default read rule: a standby when one is reachable, else the primary (reads may lag slightly).</summary>
internal sealed class PreferStandbyReadSelector : IReadDataSourceSelector
{
    public NpgsqlDataSource SelectReadSource(ReplicatedDataSource dataSource) => dataSource.PreferStandby;
}
