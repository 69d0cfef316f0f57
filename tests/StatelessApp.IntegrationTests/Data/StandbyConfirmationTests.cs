using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StatelessApp.Hosting.Data;
using StatelessApp.TestKit.Time;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// A write confirmed by <see cref="StandbyConfirmation{TContext}"/> is on the standby's disk; with no standby it is
/// accepted on the primary alone (after a whole timeout if one streamed moments before); a standby that stops flushing
/// makes it fail after the timeout (and a repeat succeed once it flushes again). Real primary + streaming standby, one
/// cluster per test where the test breaks it.
/// </summary>
public sealed class StandbyConfirmationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_confirmed_commit_is_already_flushed_by_the_standby()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        using var confirmations = Confirmations(host);

        await db.Database.OpenConnectionAsync();
        db.Notes.Add(new Note { Text = "must survive the primary" });
        await db.SaveChangesAsync();
        var commit = await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>(db, "SELECT pg_current_wal_lsn()");

        var state = await confirmation.ConfirmCommitAsync(db, CancellationToken.None);

        var flushedByStandby = await PostgresCluster.AdminScalarAsync(cluster.Standby,
            $"SELECT pg_last_wal_receive_lsn() >= '{commit}'::pg_lsn");
        Assert.Equal(StandbyConfirmationState.Confirmed, state);
        Assert.Equal(true, flushedByStandby);
        Assert.Equal("ok", Assert.Single(confirmations.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task Every_commit_of_a_run_is_confirmed()
    {
        const int Commits = 200;
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        await db.Database.OpenConnectionAsync();

        for (var i = 0; i < Commits; i++)
        {
            db.Notes.Add(new Note { Text = $"note {i}" });
            await db.SaveChangesAsync();
            Assert.Equal(StandbyConfirmationState.Confirmed, await confirmation.ConfirmCommitAsync(db, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Without_a_connected_standby_the_commit_is_accepted_on_the_primary_alone_at_once_by_an_instance_that_saw_none_stream()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await cluster.StopStandbyAsync();
        await WaitUntilPrimaryListsNoStandbyAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);

        await db.Database.OpenConnectionAsync();
        db.Notes.Add(new Note { Text = "region B is down" });
        await db.SaveChangesAsync();
        var time = new SkippingTimeProvider();
        var started = time.GetUtcNow();
        using var confirmations = Confirmations(host);
        var state = await time.RunAsync(() => WithClock(confirmation, time, host).ConfirmCommitAsync(db, CancellationToken.None));

        Assert.Equal(StandbyConfirmationState.NoStandby, state);
        Assert.Equal(TimeSpan.Zero, time.GetUtcNow() - started); // it did not wait for a standby that is not there
        var measured = Assert.Single(confirmations.GetMeasurementSnapshot());
        Assert.Equal(("no-standby", 0.0), (measured.Tags["outcome"], measured.Value));
    }

    [Fact]
    public async Task A_standby_gone_moments_after_it_streamed_is_believed_gone_only_after_a_whole_timeout()
    {
        // A dying primary's WAL senders go before its backends notice: "no standby" right after one streamed may be
        // that, so the confirmation keeps asking (the dying connection would fail the write) before accepting alone.
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, resolved) = Resolve(scope);
        var time = new SkippingTimeProvider();
        var confirmation = WithClock(resolved, time, host);
        await db.Database.OpenConnectionAsync();
        db.Notes.Add(new Note { Text = "seen by the standby" });
        await db.SaveChangesAsync();
        Assert.Equal(StandbyConfirmationState.Confirmed, await time.RunAsync(() => confirmation.ConfirmCommitAsync(db, CancellationToken.None)));
        var lastSeenStreaming = time.GetUtcNow();

        await cluster.StopStandbyAsync();
        await WaitUntilPrimaryListsNoStandbyAsync(cluster);
        db.Notes.Add(new Note { Text = "the standby has just gone" });
        await db.SaveChangesAsync();
        using var confirmations = Confirmations(host);
        var state = await time.RunAsync(() => confirmation.ConfirmCommitAsync(db, CancellationToken.None));

        Assert.Equal(StandbyConfirmationState.NoStandby, state);
        Assert.Equal(Timeout, time.GetUtcNow() - lastSeenStreaming);
        var measured = Assert.Single(confirmations.GetMeasurementSnapshot());
        Assert.Equal(("no-standby", Timeout.TotalSeconds), (measured.Tags["outcome"], measured.Value));

        // Once it has been missing for a whole timeout, the next write is accepted at once.
        db.Notes.Add(new Note { Text = "region B is down" });
        await db.SaveChangesAsync();
        var next = time.GetUtcNow();
        Assert.Equal(StandbyConfirmationState.NoStandby, await time.RunAsync(() => confirmation.ConfirmCommitAsync(db, CancellationToken.None)));
        Assert.Equal(next, time.GetUtcNow());
    }

    [Fact]
    public async Task A_standby_that_stops_flushing_fails_the_confirmation_after_the_timeout_and_a_repeat_succeeds_once_it_resumes()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        await db.Database.OpenConnectionAsync();

        var frozen = await cluster.FreezeStandbyReceiverAsync();
        int id;
        var time = new SkippingTimeProvider();
        using var confirmations = Confirmations(host);
        var started = time.GetUtcNow();
        try
        {
            var note = new Note { Text = "not yet on the standby" };
            db.Notes.Add(note);
            await db.SaveChangesAsync();
            id = note.Id;
            var refused = await time.RunAsync(() =>
                Assert.ThrowsAsync<WriteNotConfirmedException>(() => WithClock(confirmation, time, host).ConfirmCommitAsync(db, CancellationToken.None)));
            Assert.Contains("No standby confirmed the commit", refused.Message, StringComparison.Ordinal);
            var measured = Assert.Single(confirmations.GetMeasurementSnapshot());
            Assert.Equal(("timeout", Timeout.TotalSeconds), (measured.Tags["outcome"], measured.Value));
        }
        finally
        {
            await frozen.DisposeAsync();
        }

        Assert.Equal(Timeout, time.GetUtcNow() - started); // it waited the whole timeout, and not longer
        // Not acknowledged is not lost: the write is on the primary, and confirming again (the retry) succeeds.
        Assert.Equal(1L, await PostgresCluster.AdminScalarAsync(cluster.Primary, $"SELECT count(*) FROM notes WHERE id = {id}", PostgresCluster.DatabaseName));
        Assert.Equal(StandbyConfirmationState.Confirmed, await confirmation.ConfirmCommitAsync(db, CancellationToken.None));
    }

    [Theory]
    [InlineData("b", DataMetrics.OwnRegion)]
    [InlineData("a", DataMetrics.Primary)] // its region's node is the primary, which has no WAL receiver to ask
    public async Task A_standby_in_the_instances_region_confirms_the_commit_itself_before_the_primary_hears_of_it(string region, string source)
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster, region, confirmationTimeout: TimeSpan.FromSeconds(30));
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        using var confirmations = Confirmations(host);
        await db.Database.OpenConnectionAsync();

        CommitAnswer answer;
        await using (await cluster.FreezeStandbyReceiverAsync())
        {
            answer = await CommitInOneRoundTripAsync(db, confirmation, $"confirmed for region {region}");
            Assert.Equal(StandbyConfirmationState.Pending, answer.Standbys!.Value.Evaluate(answer.Position));
        }

        var state = await confirmation.ConfirmCommitAsync(db, answer, CancellationToken.None);

        Assert.Equal(StandbyConfirmationState.Confirmed, state);
        var measured = Assert.Single(confirmations.GetMeasurementSnapshot());
        Assert.Equal(("ok", (object?)source), (measured.Tags["outcome"], measured.Tags["source"]));
    }

    [Fact]
    public async Task A_standby_in_the_instances_region_that_stops_flushing_confirms_nothing_and_the_write_fails_after_the_timeout()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster, region: "b");
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        await db.Database.OpenConnectionAsync();
        var time = new SkippingTimeProvider();
        var started = time.GetUtcNow();

        await using (await cluster.FreezeStandbyReceiverAsync())
        {
            db.Notes.Add(new Note { Text = "not on region b's standby" });
            await db.SaveChangesAsync();
            var refused = await time.RunAsync(() => Assert.ThrowsAsync<WriteNotConfirmedException>(
                () => WithClock(confirmation, time, host, region: "b").ConfirmCommitAsync(db, CancellationToken.None)));
            Assert.Contains("No standby confirmed the commit", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(Timeout, time.GetUtcNow() - started);
    }

    [Fact]
    public async Task A_role_that_cannot_read_the_standby_positions_is_refused_with_the_grant_it_needs()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await PostgresCluster.AdminScalarAsync(cluster.Primary, "CREATE ROLE no_stats LOGIN PASSWORD 'no-stats-password'");
        await PostgresCluster.AdminScalarAsync(cluster.Primary, $"GRANT CONNECT ON DATABASE {PostgresCluster.DatabaseName} TO no_stats", PostgresCluster.DatabaseName);
        await cluster.WaitForReplicationAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(cluster.PrimaryConnectionString)
        {
            Username = "no_stats",
            Password = "no-stats-password",
        }.ConnectionString;
        await using var db = new NotesContext(new DbContextOptionsBuilder<NotesContext>().UseNpgsql(connectionString).Options);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var confirmations = new MetricCollector<double>(meters, DataMetrics.MeterName, "statelessapp.data.standby_confirmation.duration");
        var confirmation = new StandbyConfirmation<NotesContext>(Timeout, TimeProvider.System, NullLogger.Instance, new DataMetrics(meters));
        await db.Database.OpenConnectionAsync();

        var refused = await Assert.ThrowsAsync<WriteNotConfirmedException>(() => confirmation.ConfirmCommitAsync(db, CancellationToken.None));

        Assert.Contains(StandbyConfirmation<NotesContext>.StandbysFunction, refused.Message, StringComparison.Ordinal);
        Assert.Equal("error", Assert.Single(confirmations.GetMeasurementSnapshot()).Tags["outcome"]); // at once, not a timeout
    }

    [Fact]
    public async Task The_shop_role_setup_grants_what_the_confirmation_reads()
    {
        // deploy/patroni/shop-privileges.sql (the test kit runs it too); without it every order would be refused.
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await StartHostAsync(cluster);
        await using var scope = host.Services.CreateAsyncScope();
        var (db, confirmation) = Resolve(scope);
        await db.Database.OpenConnectionAsync();

        Assert.Equal(StandbyConfirmationState.Confirmed, await confirmation.ConfirmCommitAsync(db, CancellationToken.None));
        Assert.False(await ScalarAsync<bool>(db, "SELECT pg_has_role('pg_read_all_stats', 'USAGE')"));
        Assert.True(await ScalarAsync<bool>(db, $"SELECT has_function_privilege('{StandbyConfirmation<NotesContext>.StandbysFunction}', 'EXECUTE')"));
        Assert.True(await ScalarAsync<bool>(db, $"SELECT has_function_privilege('{OwnRegionStandbys.ReceiverFunction}', 'EXECUTE')"));
    }

    /// <summary>The same confirmation on a clock of the test's: what the app resolves, with time that costs nothing.</summary>
    private static StandbyConfirmation<NotesContext> WithClock(
        StandbyConfirmation<NotesContext> confirmation, TimeProvider time, NotesHost host, string? region = null) =>
        new(confirmation.Timeout, time, NullLogger.Instance, host.Services.GetRequiredService<DataMetrics>(),
            OwnRegionStandbys.In(host.Services.GetReplicatedDataSource<NotesContext>(), region, time, NullLogger.Instance));

    private static MetricCollector<double> Confirmations(NotesHost host) =>
        new(host.Services.GetRequiredService<IMeterFactory>(), DataMetrics.MeterName, "statelessapp.data.standby_confirmation.duration");

    /// <param name="region">The instance's region; with one, the primary is in region a and the standby in region b.</param>
    private static Task<NotesHost> StartHostAsync(PostgresCluster cluster, string? region = null, TimeSpan? confirmationTimeout = null) =>
        NotesHost.StartAsync(cluster.MultiHostConnectionString, new Dictionary<string, string?>
        {
            ["Database:StandbyConfirmationTimeout"] = (confirmationTimeout ?? Timeout).ToString(),
            ["Instance:Region"] = region,
            ["Database:NodeRegions"] = region is null ? null : $"127.0.0.1:{cluster.Primary.Port}=a,127.0.0.1:{cluster.Standby.Port}=b",
        });

    private static (NotesContext Db, StandbyConfirmation<NotesContext> Confirmation) Resolve(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<NotesContext>(),
            scope.ServiceProvider.GetRequiredService<StandbyConfirmation<NotesContext>>());

    /// <summary>
    /// A note's commit and its position with the standbys' first snapshot in ONE round trip, as a checkout sends them
    /// (the insert's error barrier is the Sync that commits it; the confirmation's command comes after).
    /// </summary>
    private static async Task<CommitAnswer> CommitInOneRoundTripAsync(NotesContext db, StandbyConfirmation<NotesContext> confirmation, string text)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO notes (text) VALUES ($1) RETURNING id")
        {
            Parameters = { new() { Value = text } },
            AppendErrorBarrier = true,
        });
        batch.BatchCommands.Add(confirmation.CreateCommitCommand());
        await using var reader = await batch.ExecuteReaderAsync();
        return await confirmation.ReadCommitAsync(reader, CancellationToken.None);
    }

    private static async Task<T> ScalarAsync<T>(NotesContext db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilPrimaryListsNoStandbyAsync(PostgresCluster cluster)
    {
        await Poll.UntilAsync("the primary to list no standby",
            _ => PostgresCluster.AdminScalarAsync(cluster.Primary, "SELECT count(*) FROM pg_stat_replication"),
            standbys => standbys is 0L, TimeSpan.FromSeconds(10));
    }
}
