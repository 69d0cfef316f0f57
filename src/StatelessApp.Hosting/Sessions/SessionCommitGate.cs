namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Runs the session's final commit once, at the first of: the first response byte, the response start, or the
/// end of the pipeline. Every path that can start the response awaits the same task, so a failed save surfaces
/// where the app can still turn it into a 503. A client that went away cancels the save: it will never see an answer.
/// </summary>
internal sealed class SessionCommitGate(RedisSession session, CancellationToken requestAborted)
{
    private Task? _commit;

    public bool Attempted => _commit is not null;

    public Task EnsureCommittedAsync() => _commit ??= session.CommitBeforeResponseAsync(requestAborted);

    /// <summary>After a failed request nothing is committed, not even by the response-start fallback.</summary>
    public void Abandon() => _commit ??= Task.CompletedTask;
}
