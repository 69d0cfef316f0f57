using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StatelessApp.Hosting.Data.Migrations;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.Hosting.Data;

public static partial class DatabaseMigrationExtensions
{
    /// <summary>The release id <c>migrate</c> records its schema under; defaults to the app's informational version.</summary>
    public const string ReleaseSetting = "Migrations:Release";

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

            var release = services.GetRequiredService<IConfiguration>()[ReleaseSetting] is { Length: > 0 } configured
                ? configured
                : AppVersion.Current;
            await ReleaseSchemaHistory.EnsureCreatedAsync(lockConnection, cancellationToken);
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            var running = await ReleaseSchemaHistory.PreviousAsync(lockConnection, replicated.Name, release, cancellationToken)
                ?? await LastAppliedMigrationReleaseAsync(context, cancellationToken);
            if (running is null)
            {
                LogNothingToCheckAgainst(logger, typeof(TContext).Name, release);
            }
            else
            {
                var violations = pending.SelectMany(id => ExpandContractRules.Check(id, MigrationFootprints.UpOperations(context, id), running.Footprint)).ToList();
                if (violations.Count > 0)
                {
                    var refusal = new MigrationRefusedException(release, running.Release, violations);
                    LogRefused(logger, refusal.Message);
                    throw refusal;
                }

                LogChecked(logger, typeof(TContext).Name, release, running.Release, pending.Count);
            }

            await context.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, typeof(TContext).Name, pending);
            var applied = await context.Database.GetAppliedMigrationsAsync(cancellationToken);
            await ReleaseSchemaHistory.RecordAsync(lockConnection, replicated.Name, release,
                MigrationFootprints.OfModel(context), applied.LastOrDefault(), cancellationToken);
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

    /// <summary>
    /// A database migrated before releases were recorded: the running release's model is the target model of the last
    /// migration it applied (EF refuses to migrate a model that differs from its migrations), when that migration has one.
    /// </summary>
    private static async Task<RecordedRelease?> LastAppliedMigrationReleaseAsync(DbContext context, CancellationToken cancellationToken) =>
        (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() is { } last
        && MigrationFootprints.OfMigration(context, last) is { } footprint
            ? new RecordedRelease($"last migrated with {last}", footprint)
            : null;

    /// <summary>A stable 64-bit key per context type, so two apps sharing a server do not block each other.</summary>
    internal static long MigrationLockKey<TContext>() =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("StatelessApp.Migrations/" + typeof(TContext).FullName)));

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Waiting for the migration lock of {Context} on {Host} as {Role} ({Setting})")]
    private static partial void LogWaitingForLock(ILogger logger, string context, string? host, string? role, string setting);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Migrated {Context}, applied: {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string context, IReadOnlyList<string> migrations);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "{Refusal}")]
    private static partial void LogRefused(ILogger logger, string refusal);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Checked {Count} pending migration(s) of {Context} for release {Release} against release {Running}: compatible")]
    private static partial void LogChecked(ILogger logger, string context, string release, string running, int count);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "No earlier release of {Context} is recorded or derivable: release {Release}'s migrations are not checked")]
    private static partial void LogNothingToCheckAgainst(ILogger logger, string context, string release);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long key, CancellationToken cancellationToken)
    {
        // No command timeout: waiting for another instance's migration is the point; the caller's token bounds it.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
