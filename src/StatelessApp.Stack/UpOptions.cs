namespace StatelessApp.Stack;

/// <summary>Options of `stack up` (the proxy kind is the controller's: <see cref="StackController.ForRepository"/>).</summary>
public sealed record UpOptions
{
    /// <summary>Wipe data, logs and pids first (a stack from nothing); otherwise data survives `down`/`up`.</summary>
    public bool Fresh { get; init; }

    /// <summary>Publish the app before starting it (false: use the current release, .stack/releases/&lt;id&gt;, when there is one).</summary>
    public bool BuildApp { get; init; } = true;

    /// <summary>Start Prometheus and the exporters (false: `up --no-observability`, for stacks that do not need them).</summary>
    public bool Observability { get; init; } = true;

    /// <summary>Delay the packets between sites by the topology's round trips (false: `up --no-distance`, the sites 0 ms apart).</summary>
    public bool Distance { get; init; } = true;
}
