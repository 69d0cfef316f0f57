namespace StatelessApp.TestKit.Polling;

/// <summary>
/// Waits for a server to converge (a replica to link, a failover to finish, a node to answer): observes a value every
/// <see cref="DefaultInterval"/> until it is what the caller awaits. The timeout bounds waiting on the server, not the
/// speed of the code under test; it is linked to the caller's token, and a timeout (<see cref="TimeoutException"/>
/// naming what was awaited and the last value seen) is told apart from a cancel (<see cref="OperationCanceledException"/>).
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Observes until <paramref name="done"/> holds for the value and returns that value.</summary>
    /// <param name="what">What is awaited, as the timeout message should name it ("the replica linked").</param>
    /// <param name="retryOn">Exceptions of <paramref name="observe"/> that mean "not yet" (the server is still starting);
    /// any other exception ends the wait at once.</param>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<CancellationToken, Task<T>> observe,
        Func<T, bool> done,
        TimeSpan timeout,
        Func<Exception, bool>? retryOn = null,
        TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        object? last = "(nothing observed yet)";
        try
        {
            while (true)
            {
                try
                {
                    var value = await observe(deadline.Token);
                    if (done(value))
                    {
                        return value;
                    }

                    last = value;
                }
                // An HttpClient timeout is an OperationCanceledException too: retried when the caller asks, unless the poll's own time is up.
                catch (Exception e) when (retryOn is not null && (e is not OperationCanceledException || !deadline.IsCancellationRequested) && retryOn(e))
                {
                    last = $"{e.GetType().Name}: {e.Message}";
                }

                await Task.Delay(interval ?? DefaultInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"waited {timeout.TotalSeconds:0.#} s for {what}; last observed: {Describe(last)}");
        }
    }

    /// <summary>Observes a condition until it holds.</summary>
    public static Task UntilAsync(
        string what,
        Func<CancellationToken, Task<bool>> condition,
        TimeSpan timeout,
        Func<Exception, bool>? retryOn = null,
        TimeSpan? interval = null,
        CancellationToken cancellationToken = default) =>
        UntilAsync(what, condition, holds => holds, timeout, retryOn, interval, cancellationToken);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => text,
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => value.ToString() ?? "",
    };
}
