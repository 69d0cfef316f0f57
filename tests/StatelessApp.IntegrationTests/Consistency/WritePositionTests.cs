using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Consistency;

/// <summary>
/// Every way of committing through the primary context gives the request a token that covers the commit: a
/// single-statement SaveChanges (EF runs it without a transaction), a multi-statement one, an explicit transaction,
/// ExecuteUpdate outside a transaction, synchronous and asynchronous. "Covers" is checked against the primary itself.
/// </summary>
public sealed class WritePositionTests
{
    [Fact]
    public async Task Each_kind_of_commit_records_a_position_at_or_past_the_commit_and_sets_the_header()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("positions");
        await using var host = await NotesHost.StartAsync(connectionString,
            configureServices: services => services.AddConsistencyTokens<NotesContext>());

        var writes = new (string Name, Func<NotesContext, Task> Write)[]
        {
            ("single-statement SaveChangesAsync", db => { db.Notes.Add(new Note { Text = "a" }); return db.SaveChangesAsync(); }),
            ("multi-statement SaveChangesAsync", db => { db.Notes.AddRange(new Note { Text = "b" }, new Note { Text = "c" }); return db.SaveChangesAsync(); }),
            ("sync SaveChanges", db => { db.Notes.Add(new Note { Text = "d" }); db.SaveChanges(); return Task.CompletedTask; }),
            ("explicit transaction", db => db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Notes.Add(new Note { Text = "e" });
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            })),
            ("sync explicit transaction", db =>
            {
                db.Database.CreateExecutionStrategy().Execute(() =>
                {
                    using var transaction = db.Database.BeginTransaction();
                    db.Notes.Add(new Note { Text = "f" });
                    db.SaveChanges();
                    transaction.Commit();
                });
                return Task.CompletedTask;
            }),
            ("ExecuteUpdateAsync without a transaction", db => db.Notes.Where(n => n.Text == "a").ExecuteUpdateAsync(set => set.SetProperty(n => n.Text, "a2"))),
            ("sync ExecuteUpdate without a transaction", db => { db.Notes.Where(n => n.Text == "b").ExecuteUpdate(set => set.SetProperty(n => n.Text, "b2")); return Task.CompletedTask; }),
        };

        foreach (var (name, write) in writes)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = http;
            try
            {
                var before = await PrimaryPositionAsync(host);
                await write(scope.ServiceProvider.GetRequiredService<NotesContext>());
                var recorded = scope.ServiceProvider.GetRequiredService<ConsistencyScope>().LastWrite;
                var after = await PrimaryPositionAsync(host);
                Assert.True(recorded is not null, $"{name}: no position recorded");
                // Read after the commit: past where the primary was before the write, and not beyond where it is now.
                Assert.True(recorded > before && recorded <= after, $"{name}: recorded {recorded}, primary before {before}, after {after}");
                Assert.False(string.IsNullOrEmpty(http.Response.Headers[ConsistencyScope.HeaderName]), $"{name}: no header");
            }
            finally
            {
                scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = null;
            }
        }
    }

    private static async Task<NpgsqlLogSequenceNumber> PrimaryPositionAsync(NotesHost host)
    {
        await using var connection = await host.Services.GetReplicatedDataSource<NotesContext>().Primary.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()", connection);
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync())!;
    }
}
