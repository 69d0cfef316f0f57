using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Load;
using StatelessApp.Drills.Monitoring;
using StatelessApp.Drills.Results;
using StatelessApp.Stack.Topology;
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
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(30);
    private const int WarmRequestsPerRegion = 30;

    public async Task<DrillResult> RunAsync(string drill, Func<ShopLoad, Task> fault, TimeSpan observe, Func<ShopLoad, Task>? heal = null,
        TimeSpan? afterHeal = null, string notes = "")
    {
        await stack.RestoreAsync();
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
        await watch.StopAsync();

        await stack.RestoreAsync();
        var result = await HistoryCheck.AnalyseAsync(drill, stack, load, watch, appLogOffsets, notes);
        var table = DrillReport.Add(result, stack.ResultsFolder);
        output.WriteLine(table);
        foreach (var (at, what) in load.Marks)
        {
            output.WriteLine($"{at.TotalSeconds:0.0}s {what}");
        }

        stack.Report($"{drill}: {result.Requests} requests, not ok {result.FormatNotOk()}, orders lost {result.AcknowledgedOrdersLost}, duplicates {result.DuplicateOrders}, sessions lost {result.SessionsLost}");
        return result;
    }
}
