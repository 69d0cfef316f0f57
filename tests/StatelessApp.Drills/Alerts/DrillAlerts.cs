using StatelessApp.TestKit.Prometheus;

namespace StatelessApp.Drills.Alerts;

/// <summary>
/// The alerts a drill states: those its fault must fire, and those it may fire (their firing depends on a race between a
/// failover and an alert's <c>for:</c>). Any other alert firing during the drill fails it. Why each is expected:
/// docs/observability.md, "Drill timelines and alert checks".
/// </summary>
public sealed record DrillAlerts(IReadOnlyList<AlertExpectation> Must, IReadOnlyList<AlertExpectation> May)
{
    /// <summary>A fault that nothing should page for or ticket.</summary>
    public static DrillAlerts None { get; } = new([], []);

    public static DrillAlerts Fire(params AlertExpectation[] must) => new(must, []);

    public DrillAlerts AndMaybe(params AlertExpectation[] may) => this with { May = [.. May, .. may] };
}
