namespace StatelessApp.Stack.Operations;

/// <summary>What `upgrade` or `rollback` did: from which release to which, each instance's turn, and the times.</summary>
/// <param name="From">The release the instances ran before.</param>
/// <param name="To">The release they run now (equal to <paramref name="From"/> when there was nothing to roll).</param>
/// <param name="Rolls">Each instance's turn, in the order rolled.</param>
/// <param name="Publish">The build (zero for a rollback).</param>
/// <param name="Migrate">The new release's migrate (for a rollback: the previous release's, which applies nothing).</param>
/// <param name="Roll">All instances' turns.</param>
/// <param name="Total">The whole command.</param>
public sealed record UpgradeReport(AppRelease From, AppRelease To, IReadOnlyList<InstanceRoll> Rolls, TimeSpan Publish, TimeSpan Migrate, TimeSpan Roll, TimeSpan Total);
