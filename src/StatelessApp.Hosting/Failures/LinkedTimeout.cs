namespace StatelessApp.Hosting.Failures;

/// <summary>
/// The caller's token linked to a timeout on a <see cref="TimeProvider"/>, as ASP.NET Core's
/// <c>DistributedSession.LoadAsync</c> links its IOTimeout: the operation stops at whichever comes first, and
/// <see cref="TimedOut"/> tells which one it was. A timeout is this block's failure to report (log, 503); the caller's
/// cancellation is the caller's business (an <see cref="OperationCanceledException"/>, no error log).
/// </summary>
internal sealed class LinkedTimeout : IDisposable
{
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;

    public LinkedTimeout(TimeSpan timeout, TimeProvider time, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _timeout = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timeout.Token);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Cancelled by the timeout or by the caller.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>The timeout ran out and the caller had not cancelled.</summary>
    public bool TimedOut => _timeout.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>The caller cancelled (whether or not the timeout ran out as well).</summary>
    public bool CallerCancelled => _caller.IsCancellationRequested;

    /// <summary>
    /// Awaits <paramref name="operation"/> until it ends or <see cref="Token"/> is cancelled, for a client that takes no
    /// token (StackExchange.Redis). An operation left behind still ends on its own; its failure is observed, not lost
    /// to the unobserved-task event.
    /// </summary>
    public async Task<T> WaitAsync<T>(Task<T> operation)
    {
        try
        {
            return await operation.WaitAsync(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!operation.IsCompleted)
        {
            _ = operation.ContinueWith(static left => left.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <inheritdoc cref="WaitAsync{T}"/>
    public Task WaitAsync(Task operation) => WaitAsync(Completed(operation));

    private static async Task<bool> Completed(Task operation)
    {
        await operation.ConfigureAwait(false);
        return true;
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
