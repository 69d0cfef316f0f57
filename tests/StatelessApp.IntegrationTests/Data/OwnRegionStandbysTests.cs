using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Data;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Time;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// A node of the instance's own region, asked directly through replication_status.receiver() with the app's role,
/// vouches for a commit only when it streams the commit's timeline and has flushed it; otherwise the primary decides.
/// One real primary + streaming standby for the class, which no test breaks (the confirmation that uses this: <see cref="StandbyConfirmationTests"/>, and the
/// checkout's round trips: Shop/CheckoutRoundTripTests).
/// </summary>
public sealed class OwnRegionStandbysTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_standby_that_flushed_the_commit_on_its_timeline_vouches_for_it()
    {
        var (commit, timeline) = await CommitAsync();
        await WaitUntilFlushedAsync(commit);
        await using var standby = NpgsqlDataSource.Create(cluster.StandbyConnectionString);

        Assert.True(await Asking(standby).WaitForFlushAsync(commit, timeline, Budget, CancellationToken.None));
    }

    [Fact]
    public async Task A_standby_on_another_timeline_cannot_tell_however_far_it_flushed()
    {
        var (commit, timeline) = await CommitAsync();
        await WaitUntilFlushedAsync(commit);
        await using var standby = NpgsqlDataSource.Create(cluster.StandbyConnectionString);

        Assert.False(await Asking(standby).WaitForFlushAsync(commit, timeline + 1, Budget, CancellationToken.None));
    }

    [Fact]
    public async Task The_primary_asked_as_a_node_of_the_region_cannot_tell()
    {
        var (commit, timeline) = await CommitAsync();
        await using var primary = NpgsqlDataSource.Create(cluster.PrimaryConnectionString);

        Assert.False(await Asking(primary).WaitForFlushAsync(commit, timeline, Budget, CancellationToken.None));
    }

    [Fact]
    public async Task A_standby_behind_the_commit_is_asked_again_until_the_budget_runs_out()
    {
        var (commit, timeline) = await CommitAsync();
        await WaitUntilFlushedAsync(commit);
        await using var standby = NpgsqlDataSource.Create(cluster.StandbyConnectionString);
        var time = new SkippingTimeProvider();
        var started = time.GetUtcNow();
        var ahead = commit + 1_000_000; // WAL nobody has written yet

        var vouched = await time.RunAsync(() => Asking(standby, time).WaitForFlushAsync(ahead, timeline, Budget, CancellationToken.None));

        Assert.False(vouched);
        Assert.True(time.GetUtcNow() - started >= Budget, $"gave up after {time.GetUtcNow() - started}");
    }

    [Fact]
    public async Task An_unreachable_node_of_the_region_cannot_tell()
    {
        var (commit, timeline) = await CommitAsync();
        var closedPort = LoopbackPorts.FreeTcp();
        await using var nowhere = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(cluster.StandbyConnectionString) { Host = $"127.0.0.1:{closedPort}", Timeout = 2 }.ConnectionString);

        Assert.False(await Asking(nowhere).WaitForFlushAsync(commit, timeline, Budget, CancellationToken.None));
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown_not_taken_for_a_no()
    {
        var (commit, timeline) = await CommitAsync();
        await using var standby = NpgsqlDataSource.Create(cluster.StandbyConnectionString);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Asking(standby).WaitForFlushAsync(commit + 1_000_000, timeline, Budget, cancelled.Token));
    }

    private static OwnRegionStandbys Asking(NpgsqlDataSource node, TimeProvider? time = null) =>
        new([new DatabaseNode(node.ConnectionString, node, "b")], time ?? TimeProvider.System, NullLogger.Instance);

    /// <summary>A commit on the primary: the WAL position at or past it, and the primary's timeline.</summary>
    private async Task<(NpgsqlLogSequenceNumber Commit, int Timeline)> CommitAsync()
    {
        await PostgresCluster.AdminScalarAsync(cluster.Primary, "CREATE TABLE IF NOT EXISTS vouched (id int)", PostgresCluster.DatabaseName);
        await PostgresCluster.AdminScalarAsync(cluster.Primary, "INSERT INTO vouched VALUES (1)", PostgresCluster.DatabaseName);
        var commit = NpgsqlLogSequenceNumber.Parse((string)(await PostgresCluster.AdminScalarAsync(cluster.Primary, "SELECT pg_current_wal_lsn()::text"))!);
        var timeline = (int)(await PostgresCluster.AdminScalarAsync(cluster.Primary, "SELECT timeline_id FROM pg_control_checkpoint()"))!;
        return (commit, timeline);
    }

    private async Task WaitUntilFlushedAsync(NpgsqlLogSequenceNumber commit) =>
        await Poll.UntilAsync($"the standby to flush {commit}",
            _ => PostgresCluster.AdminScalarAsync(cluster.Standby, $"SELECT pg_last_wal_receive_lsn() >= '{commit}'::pg_lsn"),
            flushed => flushed is true, TimeSpan.FromSeconds(10));
}
