using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Data;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>Writes land on the primary, reads on the standby, over one multi-host connection string (healthy cluster).</summary>
public sealed class ReadWriteSplitTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Write_goes_to_the_primary_and_read_is_served_by_the_standby_whatever_the_host_order(bool standbyListedFirst)
    {
        await using var host = await NotesHost.StartAsync(standbyListedFirst
            ? cluster.MultiHostConnectionStringStandbyFirst
            : cluster.MultiHostConnectionString);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var writer = scope.ServiceProvider.GetRequiredService<NotesContext>();
            var server = await ServerIdentity.OfAsync(writer);
            Assert.Equal(cluster.Primary.Port, server.Port);
            Assert.False(server.InRecovery);
        }

        var id = await host.WriteNoteAsync("hello");
        await cluster.WaitForReplicationAsync();

        var read = await host.ReadNoteAsync(id);
        Assert.Equal("hello", read.Text);
        Assert.Equal(cluster.Standby.Port, read.Port);
        Assert.True(read.InRecovery);
    }

    [Fact]
    public async Task Both_contexts_live_in_one_scope_on_different_connections_and_the_read_one_does_not_track()
    {
        await using var host = await NotesHost.StartAsync(cluster.MultiHostConnectionString);
        var id = await host.WriteNoteAsync("tracked?");
        await cluster.WaitForReplicationAsync();

        await using var scope = host.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<NotesContext>();
        var reader = scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<NotesContext>>();
        Assert.Same(reader, scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<NotesContext>>());
        Assert.NotSame(writer, reader.Context);
        Assert.NotSame(writer.Database.GetDbConnection(), reader.Context.Database.GetDbConnection());

        Assert.NotNull(await reader.Context.Notes.SingleAsync(n => n.Id == id));
        Assert.Empty(reader.Context.ChangeTracker.Entries());
        Assert.NotNull(await writer.Notes.SingleAsync(n => n.Id == id));
        Assert.Single(writer.ChangeTracker.Entries());
    }

    [Fact]
    public async Task A_replaced_read_selector_decides_where_the_read_context_goes()
    {
        await using var host = await NotesHost.StartAsync(cluster.MultiHostConnectionString,
            configureServices: services => services.AddScoped<IReadDataSourceSelector, PrimaryOnlyReadSelector>());
        var id = await host.WriteNoteAsync("read your own write");

        var read = await host.ReadNoteAsync(id); // no wait for replication: the primary has it already
        Assert.Equal("read your own write", read.Text);
        Assert.Equal(cluster.Primary.Port, read.Port);
        Assert.False(read.InRecovery);
    }

    [Fact]
    public async Task SaveChanges_on_the_read_context_throws_and_writes_nothing()
    {
        await using var host = await NotesHost.StartAsync(cluster.MultiHostConnectionString);
        await using var scope = host.Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<NotesContext>>();
        reader.Context.Notes.Add(new Note { Text = "must not be written" });

        var asyncError = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Context.SaveChangesAsync());
        Assert.Equal("read-only context", asyncError.Message);
        var syncError = Assert.Throws<InvalidOperationException>(() => reader.Context.SaveChanges());
        Assert.Equal("read-only context", syncError.Message);

        var writer = scope.ServiceProvider.GetRequiredService<NotesContext>();
        Assert.False(await writer.Notes.AnyAsync(n => n.Text == "must not be written"));
    }

    [Fact]
    public async Task Concurrent_migrate_runs_take_turns_under_the_advisory_lock()
    {
        var connectionString = await cluster.CreateDatabaseAsync("migrate_race");
        await using var first = await NotesHost.StartAsync(connectionString);
        await using var second = await NotesHost.StartAsync(connectionString);

        // A deliberately racy seed: look, wait, insert if absent. The first run waits after looking until the second run
        // queues for the advisory lock; without the lock the second would be seeding by then and both would insert.
        var seeds = 0;
        async Task SeedOnce(NotesContext db, CancellationToken cancellationToken)
        {
            var present = await db.Notes.AnyAsync(n => n.Text == "seed", cancellationToken);
            if (Interlocked.Increment(ref seeds) == 1)
            {
                await Poll.UntilAsync("the other migrate run to wait for the advisory lock",
                    async _ => await PostgresCluster.AdminScalarAsync(cluster.Primary, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
                    waiting => waiting is > 0L, TimeSpan.FromSeconds(30), cancellationToken: cancellationToken);
            }

            if (!present)
            {
                db.Notes.Add(new Note { Text = "seed" });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        await Task.WhenAll(
            first.App.MigrateDatabaseAsync<NotesContext>(SeedOnce),
            second.App.MigrateDatabaseAsync<NotesContext>(SeedOnce));

        await using var scope = first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesContext>();
        Assert.Equal(1, await db.Notes.CountAsync(n => n.Text == "seed"));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    /// <summary>What a consistency-token rule would do for a user who has just written.</summary>
    private sealed class PrimaryOnlyReadSelector : IReadDataSourceSelector
    {
        public Npgsql.NpgsqlDataSource SelectReadSource(ReplicatedDataSource dataSource) => dataSource.Primary;
    }
}
