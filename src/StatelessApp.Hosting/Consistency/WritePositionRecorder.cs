using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StatelessApp.Hosting.Data;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// On the PRIMARY context: after a write commits, reads the primary's WAL position on the same connection and hands it
/// to the request's <see cref="ConsistencyScope"/> (→ response header and session). Covers explicit and EF-internal
/// transactions (<c>TransactionCommitted</c>), a <c>SaveChanges</c> that EF ran without a transaction (a single
/// statement), and auto-committed non-queries (<c>ExecuteUpdate</c>, <c>ExecuteSql</c> outside a transaction); the
/// synchronous EF calls as well as the asynchronous ones.
/// </summary>
/// <remarks>The position is read with <see cref="CommitPosition.Sql"/> (why that query: see there).</remarks>
internal sealed class WritePositionRecorder(IHttpContextAccessor httpContextAccessor)
    : IDbTransactionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor
{
    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Scope() is { } scope && eventData.Context is { } context)
        {
            scope.WriteCommittedInTransaction = true;
            await RecordAsync(scope, context.Database.GetDbConnection(), cancellationToken);
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (Scope() is { } scope && eventData.Context is { } context)
        {
            scope.WriteCommittedInTransaction = true;
            scope.RecordCommittedWrite((NpgsqlConnection)context.Database.GetDbConnection());
        }
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (Scope() is { } scope)
        {
            scope.WriteCommittedInTransaction = false;
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (result > 0 && Scope() is { WriteCommittedInTransaction: false } scope && eventData.Context is { } context
            && context.Database.CurrentTransaction is null)
        {
            context.Database.OpenConnection();
            try
            {
                scope.RecordCommittedWrite((NpgsqlConnection)context.Database.GetDbConnection());
            }
            finally
            {
                context.Database.CloseConnection();
            }
        }

        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (result > 0 && command.Transaction is null && Scope() is { } scope && command.Connection is NpgsqlConnection connection)
        {
            scope.RecordCommittedWrite(connection);
        }

        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Scope() is { } scope)
        {
            scope.WriteCommittedInTransaction = false;
        }

        return ValueTask.FromResult(result);
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Inside a user transaction nothing is committed yet (TransactionCommitted will record it); after an EF-internal
        // transaction it is recorded already. Left: a single statement EF ran without a transaction.
        if (result > 0 && Scope() is { WriteCommittedInTransaction: false } scope && eventData.Context is { } context
            && context.Database.CurrentTransaction is null)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await RecordAsync(scope, context.Database.GetDbConnection(), cancellationToken);
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }
        }

        return result;
    }

    public async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (result > 0 && command.Transaction is null && Scope() is { } scope && command.Connection is { } connection)
        {
            await RecordAsync(scope, connection, cancellationToken);
        }

        return result;
    }

    private ConsistencyScope? Scope() => httpContextAccessor.HttpContext?.RequestServices.GetService<ConsistencyScope>();

    private static Task RecordAsync(ConsistencyScope scope, DbConnection connection, CancellationToken cancellationToken) =>
        scope.RecordCommittedWriteAsync((NpgsqlConnection)connection, cancellationToken);
}
