using Xunit.Abstractions;

namespace StatelessApp.TemplateTests;

/// <summary>Every generated solution builds with warnings as errors and passes its own unit tests. Its
/// integration tests need real servers; the main suite runs those on the repository itself.</summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed class GeneratedSolutionBuildTests(InstalledTemplate template, ITestOutputHelper output)
{
    public static TheoryData<string> Names => TemplateCase.BuiltNames;

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Builds_with_warnings_as_errors_and_passes_its_unit_tests(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var codeName = solution.Case.CodeName;

        var build = await DotnetCli.RunAsync(solution.Root,
            ["build", $"{codeName}.sln", "-c", "Release", "-warnaserror", "-nologo", "-nodeReuse:false", "-v", "q"]);
        output.WriteLine($"dotnet build ({solution.Case}): {build.Duration.TotalSeconds:F1} s");
        Assert.True(build.Succeeded, build.Explain());

        var unitTests = $"tests/{codeName}.UnitTests/{codeName}.UnitTests.csproj";
        var test = await DotnetCli.RunAsync(solution.Root, ["test", unitTests, "-c", "Release", "--no-build", "-nologo"]);
        output.WriteLine($"dotnet test {unitTests}: {test.Duration.TotalSeconds:F1} s");
        Assert.True(test.Succeeded, test.Explain());
        Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);

        if (solution.Case.Proxy == "nginx" && solution.Case.Sample)
        {
            // Fresh from `dotnet new`, not a git repository: the deploy tests that list the repository's files
            // (scripts, the deploy bundle) and the compose drift tests under the chosen proxy kind pass as they are.
            var deployTests = $"tests/{codeName}.DeployTests/{codeName}.DeployTests.csproj";
            var deploy = await DotnetCli.RunAsync(solution.Root, ["test", deployTests, "-c", "Release", "--no-build", "-nologo",
                "--filter", "FullyQualifiedName~ShellScriptTests|FullyQualifiedName~DeployRegionScriptTests|FullyQualifiedName~ComposeTopologyTests|FullyQualifiedName~RepositoryFilesTests"]);
            output.WriteLine($"dotnet test {deployTests} (subset): {deploy.Duration.TotalSeconds:F1} s");
            Assert.False(Directory.Exists(solution.PathOf(".git")), "the generated solution must not be a git repository for this check");
            Assert.True(deploy.Succeeded, deploy.Explain());
            Assert.Contains("Passed!", deploy.Output, StringComparison.Ordinal);
        }
    }
}
