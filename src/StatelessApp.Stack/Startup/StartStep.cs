using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Startup;

/// <summary>
/// One step of `up`: start <see cref="Starts"/> (those not yet running), then wait for <see cref="Readiness"/> judged on
/// <see cref="Watches"/>. <paramref name="Label"/> is the progress line printed when the step is done.
/// </summary>
/// <param name="Name">A short, stable name that <see cref="After"/> refers to (e.g. "redis").</param>
public sealed record StartStep(string Name, string Label, Readiness Readiness)
{
    /// <summary>The nodes this step starts; empty for a step that runs a task (publish, migrations).</summary>
    public IReadOnlyList<Node> Starts { get; init; } = [];

    /// <summary>The nodes whose probes decide readiness and whose death fails the step; by default <see cref="Starts"/>.</summary>
    public IReadOnlyList<Node> Watches
    {
        get => field.Count > 0 ? field : Starts;
        init;
    } = [];

    /// <summary>The names of the steps this one needs done first; every one comes earlier in the plan.</summary>
    public IReadOnlyList<string> After { get; init; } = [];
}
