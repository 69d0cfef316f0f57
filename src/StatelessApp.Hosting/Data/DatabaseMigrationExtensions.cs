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
    /// Connects as the schema's owner, <c>ConnectionStrings:{name}Owner</c>, when set (the instances' role may only
    /// read and write rows), else with the instances' own connection string.
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

        var replicated = services.GetReplicatedDataSource<TContext>();
        await using var ownerHosts = replicated.OwnerConnectionString is { } owner ? new NpgsqlDataSourceBuilder(owner).BuildMultiHost() : null;
        var primary = ownerHosts?.WithTargetSession(TargetSessionAttributes.ReadWrite) ?? replicated.Primary;
        var setting = $"ConnectionStrings:{replicated.Name}{(ownerHosts is null ? "" : ReplicatedDatabaseOptions.OwnerSuffix)}";

        // The lock lives on a connection of its own: EF opens and closes the context's connection as it pleases.
        await using var lockConnection = await primary.OpenConnectionAsync(cancellationToken);
        LogWaitingForLock(logger, typeof(TContext).Name, lockConnection.Host, lockConnection.UserName, setting);
        await ExecuteAsync(lockConnection, "SELECT pg_advisory_lock($1)", lockKey, cancellationToken);
        try
        {
            var context = services.GetRequiredService<TContext>();
            await using var ownerConnection = ownerHosts is null ? null : await primary.OpenConnectionAsync(cancellationToken);
            if (ownerConnection is not null)
            {
                context.Database.SetDbConnection(ownerConnection);
            }

            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await context.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, typeof(TContext).Name, pending);
            if (seed is not null)
            {
                await seed(context, cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"Role {lockConnection.UserName} ({setting}) may not change the schema: {e.MessageText}. Migrations run as the "
                + $"schema's owner: set ConnectionStrings:{replicated.Name}{ReplicatedDatabaseOptions.OwnerSuffix} (docs/data.md).", e);
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

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Waiting for the migration lock of {Context} on {Host} as {Role} ({Setting})")]
    private static partial void LogWaitingForLock(ILogger logger, string context, string? host, string? role, string setting);

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
