using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// `./stack upgrade` and `./stack rollback`. Upgrade: publish the working tree as a release, run ITS migrate (which
/// refuses a migration the running version cannot live with: expand/contract), and only then roll the instances to it
/// (<see cref="AppRollout"/>, <see cref="RolloutOrder"/>). Rollback: roll them back to the previous release; no
/// migration runs down, since the schema stays expanded and the previous release ran on it (its migrate runs, applies
/// nothing, and records it as the running release the next upgrade is checked against).
/// </summary>
public sealed class ReleaseUpgrade(StackController stack, TextWriter output)
{
    public async Task<UpgradeReport> UpgradeAsync(string? version, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var progress = new ProgressReporter(output);
        var from = CurrentRelease();
        await EnsureInstancesHealthyAsync(cancellationToken);
        var state = StackState.Read(stack.Paths.StateFile);
        var watch = Stopwatch.StartNew();
        var to = await progress.StepAsync("release: published the working tree",
            () => stack.Releases.PublishAsync(version, [state.CurrentRelease, state.PreviousRelease], cancellationToken));
        var publish = watch.Elapsed;
        progress.Line($"release {to.Id} (version {to.Version})");
        if (to.Id == from.Id)
        {
            progress.Line($"release {to.Id} is already current: nothing to roll");
            return new UpgradeReport(from, to, [], publish, TimeSpan.Zero, TimeSpan.Zero, total.Elapsed);
        }

        watch.Restart();
        try
        {
            await progress.StepAsync($"migrate: {to.Id}'s migrations applied, {from.Version} still serving", () => stack.MigrateAsync(to, cancellationToken));
        }
        catch (StackException e)
        {
            throw new StackException($"upgrade stopped: the new release's migrate failed, no instance was touched (all still run {from.Id}).\n{e.Message}");
        }

        var migrate = watch.Elapsed;
        var (rolls, roll) = await RollAsync(progress, from, to, cancellationToken);
        return new UpgradeReport(from, to, rolls, publish, migrate, roll, total.Elapsed);
    }

    public async Task<UpgradeReport> RollbackAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var progress = new ProgressReporter(output);
        var from = CurrentRelease();
        var state = StackState.Read(stack.Paths.StateFile);
        var to = stack.Releases.Find(state.PreviousRelease)
            ?? throw new StackException(state.PreviousRelease is null
                ? "no previous release to roll back to (`./stack upgrade` makes one)"
                : $"the previous release {state.PreviousRelease} is gone from {stack.Paths.Releases}");
        await EnsureInstancesHealthyAsync(cancellationToken);
        progress.Line($"rollback from {from.Id} ({from.Version}) to {to.Id} ({to.Version}); no migration down: "
            + "the schema stays expanded, and the previous release ran on it (expand/contract)");
        var watch = Stopwatch.StartNew();
        await progress.StepAsync($"migrate: {to.Id}'s migrate applied nothing and recorded it as the running release",
            () => stack.MigrateAsync(to, cancellationToken));
        var migrate = watch.Elapsed;
        var (rolls, roll) = await RollAsync(progress, from, to, cancellationToken);
        return new UpgradeReport(from, to, rolls, TimeSpan.Zero, migrate, roll, total.Elapsed);
    }

    /// <summary>Makes <paramref name="to"/> current (an instance started meanwhile, e.g. by `start`, runs it too), then rolls every instance to it.</summary>
    private async Task<(IReadOnlyList<InstanceRoll> Rolls, TimeSpan Took)> RollAsync(ProgressReporter progress, AppRelease from, AppRelease to, CancellationToken cancellationToken)
    {
        StackState.Read(stack.Paths.StateFile).WithCurrentRelease(to.Id).Write(stack.Paths.StateFile);
        stack.Context.Release = to;
        var primary = await stack.PrimaryAsync(NodeKind.Postgres, cancellationToken);
        var order = RolloutOrder.For(stack.Topology, primary?.Region);
        progress.Line($"rolling {order.Count} instances one at a time, {string.Join(", ", order.Select(n => n.Name))} "
            + $"(region {order[0].Region} first: {(primary is null ? "no PostgreSQL primary known" : $"the PostgreSQL primary is in region {primary.Region}")})");
        var watch = Stopwatch.StartNew();
        var rolls = await new AppRollout(stack, output).RunAsync(order, new RolloutStart(to), cancellationToken);
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"{rolls.Count} instances rolled from {from.Version} to {to.Version} in {watch.Elapsed.TotalSeconds:0.0}s; release {to.Id} is current, {from.Id} previous"));
        return (rolls, watch.Elapsed);
    }

    private AppRelease CurrentRelease() =>
        stack.Context.Release ?? throw new StackException("no release is current: `./stack up` publishes the first one");

    /// <summary>Rolling a stack whose instances are not all healthy would take away the ones serving: refuse, touching nothing.</summary>
    private async Task EnsureInstancesHealthyAsync(CancellationToken cancellationToken)
    {
        var unhealthy = (await stack.ProbeAllAsync(stack.Topology.NodesOf(NodeKind.App), cancellationToken)).Where(p => !p.Probe.Healthy).ToList();
        if (unhealthy.Count > 0)
        {
            throw new StackException("every app instance must be healthy before a roll (`./stack start region-a|region-b` or `./stack up`): "
                + string.Join("; ", unhealthy.Select(p => $"{p.Node.Name}: {p.Probe.Detail}")));
        }
    }
}
