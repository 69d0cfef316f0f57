using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack;

/// <summary>Options of `stack up`.</summary>
public sealed record UpOptions
{
    /// <summary>Wipe data, logs and pids first (a stack from nothing); otherwise data survives `down`/`up`.</summary>
    public bool Fresh { get; init; }

    /// <summary>Override the topology's proxy kind for this run.</summary>
    public ProxyKind? Proxy { get; init; }

    /// <summary>Publish the app before starting it (false: use the existing build in .stack/app).</summary>
    public bool BuildApp { get; init; } = true;
}
