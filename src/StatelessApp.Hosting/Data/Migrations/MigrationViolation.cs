namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>One operation of a pending migration that would break the release still running.</summary>
/// <param name="Migration">The migration's id, e.g. <c>20261205180000_OrderItemCount</c>.</param>
/// <param name="Operation">The EF operation, e.g. <c>DropColumn</c>.</param>
/// <param name="Target">The table or <c>table.column</c> it touches.</param>
/// <param name="Problem">What the running release would suffer.</param>
/// <param name="Rule">The expand/contract rule it breaks (<see cref="ExpandContractRules"/>).</param>
public sealed record MigrationViolation(string Migration, string Operation, string Target, string Problem, string Rule)
{
    public override string ToString() => $"{Migration}: {Operation} {Target}: {Problem}. Rule: {Rule}.";
}
