using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Which database failures are worth another attempt (and, once the attempts are used up, are a 503 rather than a 500):
/// the ones a failover or a restart produces, never the ones the request itself caused (constraint violations, syntax).
/// </summary>
internal static class TransientDatabaseFailure
{
    /// <summary>SQLSTATEs a role change or a restart produces, on top of Npgsql's own transient list.</summary>
    private static readonly FrozenSet<string> RoleChangeSqlStates = new[]
    {
        PostgresErrorCodes.ReadOnlySqlTransaction, // 25006: the node we believed primary has been demoted
        PostgresErrorCodes.AdminShutdown,          // 57P01: the server is shutting down (switchover, restart)
        PostgresErrorCodes.CrashShutdown,          // 57P02: another backend crashed, the server restarts
        PostgresErrorCodes.CannotConnectNow,       // 57P03: starting up or in recovery, not accepting yet
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Is this exception (as thrown by Npgsql, unwrapped) a transient failure?</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => RoleChangeSqlStates.Contains(postgres.SqlState) || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || IsNoSuitableHost(npgsql) || AnyTransient(npgsql.InnerException),
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Does this exception, anywhere in its chain, say the database is unreachable or changing roles? Also true when the
    /// execution strategy gave up retrying such a failure.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception) =>
        ExceptionChain.Any(exception, e => e is RetryLimitExceededException || IsTransient(e));

    /// <summary>A one-line reason for the log: the innermost database error, without a stack trace.</summary>
    public static string Describe(Exception exception)
    {
        var cause = ExceptionChain.Of(exception).LastOrDefault(e => e is NpgsqlException or TimeoutException) ?? exception;
        return cause is PostgresException postgres
            ? $"{postgres.SqlState} {postgres.MessageText}"
            : $"{cause.GetType().Name}: {cause.Message}";
    }

    /// <summary>
    /// The kind of a transient failure, for a metric tag (a handful of values): read-only (the node was demoted),
    /// shutdown, starting, no-host (no node has the wanted role: a failover in progress), timeout, connection.
    /// </summary>
    public static string Kind(Exception exception)
    {
        var cause = ExceptionChain.Find(exception, e => e is PostgresException) as PostgresException;
        return cause?.SqlState switch
        {
            PostgresErrorCodes.ReadOnlySqlTransaction => "read-only",
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown => "shutdown",
            PostgresErrorCodes.CannotConnectNow => "starting",
            null when ExceptionChain.Any(exception, e => e is NpgsqlException npgsql && IsNoSuitableHost(npgsql)) => "no-host",
            null when ExceptionChain.Any(exception, e => e is TimeoutException) => "timeout",
            _ => "connection",
        };
    }

    // Npgsql reports "no host currently has the wanted role" (e.g. the primary is down, the standby not yet promoted)
    // as a plain NpgsqlException without an inner exception; it is exactly the state a failover passes through.
    private static bool IsNoSuitableHost(NpgsqlException exception) =>
        exception.InnerException is null
        && exception.Message.StartsWith("No suitable host", StringComparison.Ordinal);

    // "Unable to connect to a suitable host" wraps one exception per host in an AggregateException.
    private static bool AnyTransient(Exception? inner) => inner is not null && ExceptionChain.Any(inner, IsTransient);
}
