using System.Globalization;
using StatelessApp.Drills.Alerts;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Load;
using StatelessApp.Drills.Monitoring;
using StatelessApp.Drills.Results;
using StatelessApp.Stack;
using StatelessApp.Stack.Operations;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Prometheus;
using Xunit.Abstractions;

namespace StatelessApp.Drills;

/// <summary>
/// `./stack upgrade` under load to a new version (the working tree published again, stamped with another version), then
/// `./stack rollback`: no failed request, no session lost, accounts signed in by either version stay signed in on the
/// other, and the two versions serve side by side during each roll.
/// </summary>
[Collection(DrillStackGroup.Name)]
public sealed class UpgradeDrill(DrillStackFixture stack, ITestOutputHelper output)
{
    private const string Drill = "upgrade under load, then roll back";

    /// <summary>Each instance is away for a few seconds of its turn: its scrape may fail long enough for TargetDown.</summary>
    private static readonly DrillAlerts Rolling = DrillAlerts.None.AndMaybe(new AlertExpectation("TargetDown", "job", "app"));

    [Fact]
    public async Task Upgrade_under_load_to_a_new_version_then_roll_back()
    {
        var controller = stack.Controller;
        var before = controller.Context.Release ?? throw new InvalidOperationException("the drill stack has no current release");
        var newVersion = string.Create(CultureInfo.InvariantCulture, $"{before.Version.Split('+')[0]}-drill.{DateTimeOffset.UtcNow:HHmmss}");
        var proxyA = stack.Topology.NodesOf(NodeKind.Proxy)[0];
        await using var versions = VersionWatch.Start(stack);
        UpgradeReport? upgrade = null;
        UpgradeReport? rollback = null;
        SignedInAccount? byOld = null;
        SignedInAccount? byNew = null;
        IReadOnlyList<string> oldRefusedByNew = [];
        (TimeSpan From, TimeSpan To) upgradeSpan = default, rollbackSpan = default;

        // Compiled before the load: under it, the compiler gets a sliver of two cores shared with the whole stack. The
        // upgrade's own publish then finds nothing to compile and adopts this release (same files, same release).
        var state = StackState.Read(stack.Controller.Paths.StateFile);
        var prepared = await controller.Releases.PublishAsync(newVersion, [state.CurrentRelease, state.PreviousRelease], CancellationToken.None);

        var result = await new DrillRunner(stack, output).RunAsync(Drill, Rolling,
            async _ =>
            {
                byOld = await SignedInAccount.RegisterAsync(stack, proxyA);
                var from = versions.Now;
                upgrade = await controller.UpgradeAsync(newVersion);
                upgradeSpan = (from, versions.Now);
                oldRefusedByNew = await byOld.InstancesNotSignedInAsync();
                byNew = await SignedInAccount.RegisterAsync(stack, proxyA);
            },
            TimeSpan.FromSeconds(2),
            async _ =>
            {
                var from = versions.Now;
                rollback = await controller.RollbackAsync();
                rollbackSpan = (from, versions.Now);
            },
            TimeSpan.FromSeconds(2),
            notes: "fault = `./stack upgrade --version V` (publish, migrate, roll); heal = `./stack rollback`");

        result = result with { Notes = $"{result.Notes}; {Times(upgrade!, "upgrade")}; {Times(rollback!, "rollback")}" };
        output.WriteLine(DrillReport.Add(result, stack.ResultsFolder));
        stack.Report($"{Drill}: {result.Notes}");

        DrillTargets.AssertMet(result, noFailedRequests: true);
        Assert.Equal(prepared.Id, upgrade!.To.Id);
        Assert.Equal(newVersion, upgrade.To.Version.Split('+')[0]);
        Assert.Equal(4, upgrade.Rolls.Count);
        Assert.Equal(before.Id, rollback!.To.Id);
        Assert.Equal(before.Id, controller.Context.Release?.Id);
        AssertSideBySide(versions.Between(upgradeSpan.From, upgradeSpan.To), before.Version, upgrade.To.Version, "upgrade");
        AssertSideBySide(versions.Between(rollbackSpan.From, rollbackSpan.To), upgrade.To.Version, before.Version, "rollback");
        Assert.True(oldRefusedByNew.Count == 0, $"signed in by {before.Version}, not signed in on {upgrade.To.Version}: {string.Join(", ", oldRefusedByNew)}");
        var newRefusedByOld = await byNew!.InstancesNotSignedInAsync();
        Assert.True(newRefusedByOld.Count == 0, $"signed in by {upgrade.To.Version}, not signed in on {before.Version}: {string.Join(", ", newRefusedByOld)}");
        var oldRefusedAfterRollback = await byOld!.InstancesNotSignedInAsync();
        Assert.True(oldRefusedAfterRollback.Count == 0, $"signed in by {before.Version}, not signed in after the rollback: {string.Join(", ", oldRefusedAfterRollback)}");
        foreach (var app in stack.Topology.NodesOf(NodeKind.App))
        {
            Assert.Equal(before.Version, await AppRollout.VersionOfAsync(app, controller.Context, CancellationToken.None));
        }
    }

    /// <summary>The new version answered before the old one's last answer: both served at once, as a roll must.</summary>
    private void AssertSideBySide(IReadOnlyList<(TimeSpan At, string Version, string Instance)> seen, string old, string @new, string roll)
    {
        var firstNew = seen.Where(s => s.Version == @new).Select(s => (TimeSpan?)s.At).FirstOrDefault();
        var lastOld = seen.Where(s => s.Version == old).Select(s => (TimeSpan?)s.At).LastOrDefault();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{roll}: {seen.Count} status answers; {seen.Count(s => s.Version == old)} from {old}, {seen.Count(s => s.Version == @new)} from {@new}; first {@new} at {firstNew?.TotalSeconds:0.0}s, last {old} at {lastOld?.TotalSeconds:0.0}s"));
        Assert.True(firstNew is not null && lastOld is not null && firstNew < lastOld,
            $"{roll}: {old} and {@new} were not seen serving side by side (first {@new} {firstNew}, last {old} {lastOld})");
    }

    private static string Times(UpgradeReport report, string what)
    {
        var build = string.Create(CultureInfo.InvariantCulture,
            $"{(what == "upgrade" ? $"publish {report.Publish.TotalSeconds:0.0} s, " : "")}migrate {report.Migrate.TotalSeconds:0.0} s, ");
        var turns = string.Join(", ", report.Rolls.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Instance.Name} {r.Total.TotalSeconds:0.0} (stopped {r.Stopped.TotalSeconds:0.0}, started and back {r.Ready.TotalSeconds:0.0})")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} {report.From.Version} → {report.To.Version}: {build}roll {report.Roll.TotalSeconds:0.0} s (per instance {turns}), total {report.Total.TotalSeconds:0.0} s");
    }
}
