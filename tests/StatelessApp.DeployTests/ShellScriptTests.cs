using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>Every shell script of the repository passes shellcheck (warnings included).</summary>
public sealed class ShellScriptTests
{
    /// <summary>The scripts without a .sh suffix: the top-level commands.</summary>
    private static readonly string[] Commands = ["stack", "tests/run", ".ci/run"];

    /// <summary>`git ls-files '*.sh'` plus the commands: a new script is checked the moment it is committed.</summary>
    private static List<string> AllScripts()
    {
        var tracked = CommandLine.RunAsync("git", ["ls-files", "*.sh"]).GetAwaiter().GetResult();
        Assert.True(tracked.Succeeded, tracked.ToString());
        return [.. tracked.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Concat(Commands).Order(StringComparer.Ordinal)];
    }

    public static TheoryData<string> Scripts() => new(AllScripts());

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task The_script_passes_shellcheck(string script)
    {
        var result = await CommandLine.RunAsync("shellcheck", ["--severity=style", Repository.PathOf(script)]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public void The_deploy_scripts_are_among_the_checked_ones() =>
        Assert.Superset(
            new HashSet<string>(["deploy/deploy-region.sh", "deploy/dns-records.sh", "deploy/compose/compose-env.sh", "deploy/compose/render.sh", "stack", "tests/run", ".ci/run"]),
            AllScripts().ToHashSet());
}
