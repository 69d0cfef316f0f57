namespace StatelessApp.Stack.Topology;

/// <summary>The topology file is malformed or inconsistent. <see cref="Errors"/> lists every problem, each naming its key.</summary>
public sealed class TopologyException : Exception
{
    public TopologyException(IReadOnlyList<string> errors)
        : base("Invalid topology:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e))) =>
        Errors = errors;

    public TopologyException()
        : this([])
    {
    }

    public TopologyException(string message)
        : this([message])
    {
    }

    public TopologyException(string message, Exception innerException)
        : base(message, innerException) =>
        Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
