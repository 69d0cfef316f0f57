namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>
/// <c>migrate</c> applied nothing: a pending migration would break the release still running (<see cref="ExpandContractRules"/>).
/// </summary>
public sealed class MigrationRefusedException : Exception
{
    /// <summary>The process exit code of a refused <c>migrate</c>: other failures exit with the runtime's own codes.</summary>
    public const int ExitCode = 3;

    public MigrationRefusedException()
        : this("?", "?", [])
    {
    }

    public MigrationRefusedException(string message)
        : base(message)
    {
        Release = RunningRelease = "?";
        Violations = [];
    }

    public MigrationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Release = RunningRelease = "?";
        Violations = [];
    }

    public MigrationRefusedException(string release, string runningRelease, IReadOnlyList<MigrationViolation> violations)
        : base(Describe(release, runningRelease, violations))
    {
        Release = release;
        RunningRelease = runningRelease;
        Violations = violations;
    }

    /// <summary>The release whose <c>migrate</c> was refused.</summary>
    public string Release { get; }

    /// <summary>The release still running, whose schema footprint the migrations were checked against.</summary>
    public string RunningRelease { get; }

    public IReadOnlyList<MigrationViolation> Violations { get; }

    /// <summary>
    /// The first line names both releases and "nothing applied"; then one line per violation (migration, operation,
    /// table/column, problem, rule). Operators and <c>./stack upgrade</c> read it as is.
    /// </summary>
    private static string Describe(string release, string runningRelease, IReadOnlyList<MigrationViolation> violations) =>
        $"migrate refused: release {release} has {violations.Count} migration operation(s) that would break release {runningRelease}, "
        + "which may still be running; nothing was applied (docs/operations.md, \"Migrations: expand, then contract\")."
        + string.Concat(violations.Select(violation => Environment.NewLine + "  " + violation));
}
