namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The session could not be loaded or saved because Redis did not answer. The session middleware turns it into
/// 503 ProblemDetails while the response has not started; it is never swallowed, so a lost change is never a 200.
/// </summary>
public sealed class SessionUnavailableException : Exception
{
    public SessionUnavailableException()
    {
    }

    public SessionUnavailableException(string message)
        : base(message)
    {
    }

    public SessionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
