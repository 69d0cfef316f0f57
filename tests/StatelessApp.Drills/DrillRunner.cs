using System.Diagnostics;
using System.Globalization;
using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Load;
using StatelessApp.Drills.Monitoring;
using StatelessApp.Drills.Results;
using StatelessApp.Drills.Timelines;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Prometheus;
using StatelessApp.TestKit.Timelines;
using StatelessApp.TestKit.Polling;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// The shape every drill shares: restore the stack, start the load and the primary watch, let it warm up, inject the
/// fault (marked "fault"), observe, heal (marked "heal"), observe again, stop, restore, and turn the history into the
/// drill's row of the table.
/// </summary>
public sealed class DrillRunner(DrillStackFixture stack, ITestOutputHelper output)
{
    public const int Shoppers = 8;
    // A bound, not a wait: instances the previous drill restarted moments ago may take most of a minute to serve their
    // first 30 requests (a clean-clone run saw region A at 28 after 30 s, the other region at 2,131).
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);
    private const int WarmRequestsPerRegion = 30;

    public async Task<DrillResult> RunAsync(string drill, DrillAlerts alerts, Func<ShopLoad, Task> fault, TimeSpan observe,
        Func<ShopLoad, Task>? heal = null, TimeSpan? afterHeal = null, string notes = "")
    {
        await stack.RestoreAsync();
        await stack.StandbysCaughtUpAsync();
        using var alertWatch = stack.Alerts();
        var alertTime = Stopwatch.StartNew();
        if (alertWatch is not null)
        {
            await alertWatch.QuietAsync();
        }

        var quietAfter = alertTime.Elapsed;

        var proxy = stack.Topology.NodesOf(NodeKind.Proxy)[0];
        var site = new Uri($"https://{stack.Topology.Domain}:{proxy.Port}/");
        var appLogOffsets = HistoryCheck.AppLogOffsets(stack);
        await using var watch = PrimaryWatch.Start(stack);
        await using var load = new ShopLoad(Shoppers, site, stack.Dns.Endpoint, stack.Controller.Context.Certificates.ServerValidator());
        load.Start();

        // Freshly started instances answer their first requests slowly (JIT, pools, key ring): the fault must hit a
        // load that already runs on both regions, or the drill only shows clients that never reached the faulty side.
        await Poll.UntilAsync($"the load to be served {WarmRequestsPerRegion} times by each region",
            _ => Task.FromResult(StackTopology.DataRegions.ToDictionary(region => region, region => load.History.Count(r => r.Region == region))),
            served => served.Values.All(count => count >= WarmRequestsPerRegion),
            MaxWarmUp, interval: TimeSpan.FromMilliseconds(250));

        load.Mark("fault");
        await fault(load);
        await Task.Delay(observe);
        if (heal is not null)
        {
            load.Mark("heal");
            await heal(load);
        }

        await Task.Delay(afterHeal ?? TimeSpan.FromSeconds(3));
        await load.StopAsync();
        var duration = load.Clock.Elapsed;
        var stoppedAt = load.StartedAt + duration;
        await watch.StopAsync();
        alertTime.Restart();
        var fired = alertWatch is null ? null : await alertWatch.FiredAsync(load.StartedAt, stoppedAt);
        stack.Report(string.Create(CultureInfo.InvariantCulture,
            $"{drill}: alert checks took {quietAfter.TotalSeconds:0.0} s (quiet before the load) + {alertTime.Elapsed.TotalSeconds:0.0} s (rules evaluated past the end, query)"));

        await stack.RestoreAsync();
        var result = await HistoryCheck.AnalyseAsync(drill, stack, load, watch, appLogOffsets, notes);
        result = fired is null
            ? result with { AlertProblems = ["no Prometheus in the drill stack: alerts not checked"] }
            : result with { AlertsFired = [.. fired.Select(a => a.Describe()).Distinct()], AlertProblems = AlertExpectation.Check(fired, alerts.Must, alerts.May) };
        var image = TimelineFiles.Write(
            DrillTimeline.Build(drill, Subtitle(result), load, duration, watch.History, fired ?? [], stack.Topology.MetricsInterval),
            stack.TimelinesFolder, TimelineFiles.NameOf(drill));
        output.WriteLine($"timeline: {image}");
        var table = DrillReport.Add(result, stack.ResultsFolder);
        output.WriteLine(table);
        foreach (var (at, what) in load.Marks)
        {
            output.WriteLine($"{at.TotalSeconds:0.0}s {what}");
        }

        stack.Report($"{drill}: alerts fired {string.Join(", ", result.AlertsFired)}; {string.Join("; ", result.AlertProblems)}");
        stack.Report($"{drill}: {result.Requests} requests, not ok {result.FormatNotOk()}, orders lost {result.AcknowledgedOrdersLost}, duplicates {result.DuplicateOrders}, sessions lost {result.SessionsLost}");
        return result;
    }

    /// <summary>Under the title: when and where it ran, and what the history adds up to.</summary>
    private static string Subtitle(DrillResult result) => string.Create(CultureInfo.InvariantCulture,
        $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {DrillReport.Machine()}, {DrillRunner.Shoppers} shoppers: {result.Requests} requests, {result.NotOk} not ok, {result.AlertsFired.Count} alerts fired");
}
