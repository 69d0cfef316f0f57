namespace StatelessApp.Hosting.Sessions;

/// <summary>A <c>Set</c> would make the serialized session larger than <c>Sessions:MaxSizeBytes</c>.</summary>
public sealed class SessionTooLargeException : InvalidOperationException
{
    public SessionTooLargeException()
    {
    }

    public SessionTooLargeException(string message)
        : base(message)
    {
    }

    public SessionTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
