namespace StatelessApp.Stack.Servers;

/// <summary>
/// What a health probe found: healthy or not, the node's current role (<see cref="ServerRole.None"/> when the kind has
/// none) and a short detail for `status`.
/// </summary>
public sealed record NodeProbe(bool Healthy, ServerRole Role, string Detail)
{
    /// <summary>On a primary: how many replicas are connected and streaming from it.</summary>
    public int LinkedReplicas { get; init; }

    public bool IsPrimary => Role == ServerRole.Primary;

    public static NodeProbe Down(string detail) => new(false, ServerRole.None, detail);
}
