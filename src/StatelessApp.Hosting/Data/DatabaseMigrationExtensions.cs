using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StatelessApp.Hosting.Data;

public static partial class DatabaseMigrationExtensions
{
    /// <summary>
    /// Applies the pending EF migrations of <typeparamref name="TContext"/> on the primary, then runs
    /// <paramref name="seed"/>, both while holding a PostgreSQL advisory lock: instances that run "migrate" at the same
    /// time (two regions deploying at once) take turns instead of racing, and the later ones find nothing to do.
    /// </summary>
    public static async Task MigrateDatabaseAsync<TContext>(
        this IHost host,
        Func<TContext, CancellationToken, Task>? seed = null,
        CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = host.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrationExtensions));
        var lockKey = MigrationLockKey<TContext>();

        // The lock lives on a connection of its own: EF opens and closes the context's connection as it pleases.
        await using var lockConnection = await services.GetReplicatedDataSource<TContext>().Primary.OpenConnectionAsync(cancellationToken);
        LogWaitingForLock(logger, typeof(TContext).Name, lockConnection.Host);
        await ExecuteAsync(lockConnection, "SELECT pg_advisory_lock($1)", lockKey, cancellationToken);
        try
        {
            var context = services.GetRequiredService<TContext>();
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await context.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, typeof(TContext).Name, pending);
            if (seed is not null)
            {
                await seed(context, cancellationToken);
            }
        }
        finally
        {
            // Explicit unlock: a pooled connection is only reset (DISCARD ALL) when it is next used, so closing it
            // would leave the lock held by an idle connection.
            await ExecuteAsync(lockConnection, "SELECT pg_advisory_unlock($1)", lockKey, CancellationToken.None);
        }
    }

    /// <summary>A stable 64-bit key per context type, so two apps sharing a server do not block each other.</summary>
    internal static long MigrationLockKey<TContext>() =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("StatelessApp.Migrations/" + typeof(TContext).FullName)));

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Waiting for the migration lock of {Context} on {Host}")]
    private static partial void LogWaitingForLock(ILogger logger, string context, string? host);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Migrated {Context}, applied: {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string context, IReadOnlyList<string> migrations);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long key, CancellationToken cancellationToken)
    {
        // No command timeout: waiting for another instance's migration is the point; the caller's token bounds it.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
