using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>Records every failed command's SQLSTATE (or exception type): proves a retry really happened.</summary>
public sealed class FailedCommandRecorder : DbCommandInterceptor
{
    public ConcurrentQueue<string> Failures { get; } = new();

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Record(eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(eventData.Exception);
        return Task.CompletedTask;
    }

    private void Record(Exception exception) =>
        Failures.Enqueue(exception is PostgresException postgres ? postgres.SqlState : exception.GetType().Name);
}
