namespace StatelessApp.Hosting.Data;

/// <summary>
/// A commit succeeded on the primary, but no standby confirmed it in time. The write is NOT lost (it is on the primary),
/// but it would be if the primary's machine died now: the caller must not acknowledge it. Answered 503; a client that
/// repeats the request with the same idempotency key gets the same result once a standby has it.
/// </summary>
public sealed class WriteNotConfirmedException : Exception
{
    public WriteNotConfirmedException()
        : base("No standby confirmed the commit in time.")
    {
    }

    public WriteNotConfirmedException(string message)
        : base(message)
    {
    }

    public WriteNotConfirmedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
