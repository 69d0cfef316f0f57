namespace StatelessApp.Stack;

/// <summary>A failure the user can act on (a port taken, a server that did not come up): the message says what and where to look.</summary>
public sealed class StackException : Exception
{
    public StackException()
    {
    }

    public StackException(string message)
        : base(message)
    {
    }

    public StackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
