using Microsoft.Extensions.Time.Testing;
using StatelessApp.Web.Shop;

namespace StatelessApp.UnitTests.Shop;

public sealed class DatabaseNodesCacheTests
{
    private static readonly DatabaseNodes Nodes = new(
        new DatabaseNodeStatus("127.1.0.41", 5432, InRecovery: false, Error: null),
        new DatabaseNodeStatus("127.2.0.41", 5432, InRecovery: true, Error: null));

    private readonly FakeTimeProvider _time = new();
    private int _queries;

    [Fact]
    public async Task A_flood_of_status_calls_within_MaxAge_asks_the_database_once()
    {
        var cache = new DatabaseNodesCache(() => { Interlocked.Increment(ref _queries); return Task.FromResult(Nodes); }, _time);

        for (var call = 0; call < 100; call++)
        {
            Assert.Same(Nodes, await cache.GetAsync(CancellationToken.None));
            _time.Advance(DatabaseNodesCache.MaxAge / 200);
        }

        Assert.Equal(1, _queries);
        _time.Advance(DatabaseNodesCache.MaxAge);
        await cache.GetAsync(CancellationToken.None);
        Assert.Equal(2, _queries);
    }

    [Fact]
    public async Task Callers_while_a_query_is_in_flight_share_it_and_one_caller_leaving_does_not_stop_it()
    {
        var answer = new TaskCompletionSource<DatabaseNodes>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new DatabaseNodesCache(() => { Interlocked.Increment(ref _queries); return answer.Task; }, _time);
        using var leaving = new CancellationTokenSource();

        var first = cache.GetAsync(leaving.Token);
        var second = cache.GetAsync(CancellationToken.None);
        await leaving.CancelAsync();
        answer.SetResult(Nodes);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Same(Nodes, await second);
        Assert.Equal(1, _queries);
    }

    [Fact]
    public async Task A_failed_query_is_not_kept()
    {
        var fail = true;
        var cache = new DatabaseNodesCache(() =>
        {
            Interlocked.Increment(ref _queries);
            return fail ? Task.FromException<DatabaseNodes>(new InvalidOperationException("boom")) : Task.FromResult(Nodes);
        }, _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(CancellationToken.None));
        fail = false;

        Assert.Same(Nodes, await cache.GetAsync(CancellationToken.None));
        Assert.Equal(2, _queries);
    }
}
