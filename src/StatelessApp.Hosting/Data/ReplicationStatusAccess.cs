using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// The errors that mean the app's role cannot call the replication_status functions (deploy/patroni/shop-privileges.sql
/// not run, or without the grant): a deployment fault to name in the log, not a failure of the server.
/// </summary>
internal static class ReplicationStatusAccess
{
    public static bool IsDenied(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.InvalidSchemaName;
}
