using StatelessApp.TestKit.Polling;

namespace StatelessApp.UnitTests.TestKit;

public class PollTests
{
    [Fact]
    public async Task Returns_the_first_value_that_is_awaited()
    {
        var observed = 0;

        var value = await Poll.UntilAsync("the third observation", _ => Task.FromResult(++observed), v => v == 3,
            TimeSpan.FromMinutes(1), interval: TimeSpan.Zero);

        Assert.Equal(3, value);
    }

    [Fact]
    public async Task A_timeout_names_what_was_awaited_and_the_last_value_seen()
    {
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            Poll.UntilAsync("the replica to link", _ => Task.FromResult("master_link_status:down"), v => v.EndsWith(":up", StringComparison.Ordinal),
                TimeSpan.FromMilliseconds(1), interval: TimeSpan.Zero));

        Assert.Contains("the replica to link", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("master_link_status:down", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancel_is_a_cancel_not_a_timeout()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Poll.UntilAsync("never", _ => Task.FromResult(false), TimeSpan.FromMinutes(1), cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Awaited_errors_mean_not_yet_and_are_reported_as_the_last_value()
    {
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            Poll.UntilAsync("the server to start", _ => Task.FromException<bool>(new IOException("connection refused")),
                TimeSpan.FromMilliseconds(1), retryOn: e => e is IOException, interval: TimeSpan.Zero));

        Assert.Contains("connection refused", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_errors_end_the_wait_at_once()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Poll.UntilAsync("the server to start", _ => Task.FromException<bool>(new InvalidOperationException("exited")),
                TimeSpan.FromMinutes(1), retryOn: e => e is IOException));
    }

    [Fact]
    public async Task A_client_timeout_the_caller_retries_on_is_not_yet_not_the_end()
    {
        var observed = 0;

        // What HttpClient throws when its own Timeout elapses: a TaskCanceledException that no poll token caused.
        var value = await Poll.UntilAsync("the proxy to answer",
            _ => ++observed < 3 ? Task.FromException<int>(new TaskCanceledException("HttpClient.Timeout", new TimeoutException())) : Task.FromResult(observed),
            v => v == 3, TimeSpan.FromMinutes(1), retryOn: e => e is TaskCanceledException, interval: TimeSpan.Zero);

        Assert.Equal(3, value);
    }
}
