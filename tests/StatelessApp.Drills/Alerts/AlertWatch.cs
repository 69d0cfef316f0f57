using StatelessApp.Drills.Fixtures;
using StatelessApp.TestKit.Polling;
using StatelessApp.TestKit.Prometheus;

namespace StatelessApp.Drills.Alerts;

/// <summary>
/// The drill stack's Prometheus, asked before and after each drill: nothing may be firing when the load starts (what the
/// previous drill caused has resolved), and afterwards, once the rules have been evaluated past the drill's end, which
/// alerts fired during it.
/// </summary>
public sealed class AlertWatch(PrometheusClient prometheus, TimeSpan interval) : IDisposable
{
    /// <summary>An alert of the previous drill resolves one evaluation after its cause is gone; restoring takes longer than that.</summary>
    private static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until no alert fires or is pending (a pending one would fire during the drill for a cause before it; a target
    /// the last drill left failed shows up here, named).
    /// </summary>
    public Task QuietAsync(CancellationToken cancellationToken = default) =>
        Poll.UntilAsync("no alert firing or pending on the drill stack before the drill",
            async ct => (await prometheus.ActiveNowAsync(ct)).Select(Describe).ToList(),
            firing => firing.Count == 0, QuietTimeout, interval: TimeSpan.FromMilliseconds(500), cancellationToken: cancellationToken);

    /// <summary>Every alert that fired in [<paramref name="from"/>, <paramref name="to"/>], read once the rules ran after <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<AlertSpan>> FiredAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await Poll.UntilAsync("Prometheus to evaluate its rules after the drill", async ct => await prometheus.RulesEvaluatedAtAsync(ct),
            at => at > to, QuietTimeout, interval: TimeSpan.FromMilliseconds(200), cancellationToken: cancellationToken);
        return await prometheus.FiringAlertsAsync(from, to, interval, cancellationToken);
    }

    private static string Describe(IReadOnlyDictionary<string, string> labels) =>
        new AlertSpan(labels.TryGetValue("alertname", out var name) ? name : "?", labels, default, default).Describe();

    public void Dispose() => prometheus.Dispose();
}
