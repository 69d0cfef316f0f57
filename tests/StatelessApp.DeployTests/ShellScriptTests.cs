using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>Every shell script of the repository passes shellcheck (warnings included).</summary>
public sealed class ShellScriptTests
{
    /// <summary>The scripts without a .sh suffix: the top-level commands.</summary>
    private static readonly string[] Commands = ["stack", "tests/run", "tests/drills", ".ci/run"];

    /// <summary>Every *.sh of the repository (git or not: <see cref="RepositoryFiles"/>) plus the commands: a new script is checked the moment it exists.</summary>
    private static List<string> AllScripts() =>
        [.. RepositoryFiles.List(Repository.Root).Where(f => f.EndsWith(".sh", StringComparison.Ordinal)).Concat(Commands).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Scripts() => new(AllScripts());

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task The_script_passes_shellcheck(string script)
    {
        // -x follows the files a script sources (deploy/lib/), so they are checked as the script uses them.
        var result = await CommandLine.RunAsync("shellcheck", ["--severity=style", "-x", Repository.PathOf(script)]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void The_deploy_scripts_are_among_the_checked_ones() =>
        Assert.Superset(
            new HashSet<string>(["deploy/deploy-region.sh", "deploy/dns-records.sh", "deploy/compose/compose-env.sh", "deploy/compose/render.sh", "stack", "tests/run", ".ci/run"]),
            AllScripts().ToHashSet());
}
