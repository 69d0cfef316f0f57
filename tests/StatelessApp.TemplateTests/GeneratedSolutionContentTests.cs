using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace StatelessApp.TemplateTests;

/// <summary>What `dotnet new stateless-app` writes, checked file by file before anything is built.</summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed partial class GeneratedSolutionContentTests(InstalledTemplate template, ITestOutputHelper output)
{
    /// <summary>
    /// Files that may keep the template's own name, each with the reason. Everything else must be renamed:
    /// a leftover "StatelessApp" in a generated solution is a name the user did not choose.
    /// </summary>
    private static readonly Dictionary<string, string> s_filesAllowedToKeepTheTemplateName = new(StringComparer.Ordinal)
    {
    };

    /// <summary>The template machinery, which a generated solution must not carry.</summary>
    private static readonly string[] s_machinery = [".template.config", "templates", "docs/template.md", ".git", ".stack", "artifacts"];

    public static TheoryData<string> Names => TemplateCase.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Names_files_folders_and_projects_after_the_user(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var codeName = solution.Case.CodeName;
        output.WriteLine($"dotnet new {solution.Case}: {solution.Creation.Duration.TotalSeconds:F1} s");

        Assert.True(File.Exists(solution.PathOf($"{codeName}.sln")), $"{codeName}.sln is missing");
        foreach (var project in new[] { "src/{0}.Web/{0}.Web.csproj", "src/{0}.Hosting/{0}.Hosting.csproj", "src/{0}.Stack/{0}.Stack.csproj", "tests/{0}.UnitTests/{0}.UnitTests.csproj" })
        {
            var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, project, codeName);
            Assert.True(File.Exists(solution.PathOf(path)), $"{path} is missing");
        }
        foreach (var machinery in s_machinery)
        {
            Assert.False(Path.Exists(solution.PathOf(machinery)), $"{machinery} must not be in a generated solution");
        }
        Assert.False(Directory.Exists(solution.PathOf($"tests/{codeName}.TemplateTests")), "the template's own tests must not be in a generated solution");
        Assert.DoesNotContain("TemplateTests", File.ReadAllText(solution.PathOf($"{codeName}.sln")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Leaves_no_trace_of_the_template_name(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));

        var leftovers = new List<string>();
        foreach (var path in solution.TemplateFiles())
        {
            if (TemplateName().IsMatch(path))
            {
                leftovers.Add($"{path}: in the path");
            }
            if (s_filesAllowedToKeepTheTemplateName.ContainsKey(path) || solution.ReadText(path) is not { } text)
            {
                continue;
            }
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (TemplateName().IsMatch(lines[i]))
                {
                    leftovers.Add($"{path}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(leftovers.Count == 0, $"The template name survived in {leftovers.Count} place(s):\n{string.Join('\n', leftovers)}");
    }

    /// <summary>
    /// Each form of the name lands where it belongs: every repository line holding the lower-case or upper-case
    /// form (temp folder prefixes, DNS labels, variable names) reads, in the generated file, exactly as the case
    /// expects it, e.g. "statelessapp-redis-" as "contoso-shop-redis-".
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public async Task Writes_each_form_of_the_name_where_it_belongs(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var tracked = await DotnetCli.GitAsync(template.RepositoryRoot, "ls-files");
        Assert.True(tracked.Succeeded, tracked.Explain());

        var checkedLines = 0;
        var wrong = new List<string>();
        foreach (var path in tracked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var generatedPath = solution.Case.Renamed(path);
            if (IsMachinery(path) || !File.Exists(solution.PathOf(generatedPath)))
            {
                continue;
            }
            var lines = File.ReadAllLines(Path.Combine(template.RepositoryRoot, path))
                .Where(line => line.Contains("statelessapp", StringComparison.Ordinal) || line.Contains("STATELESSAPP", StringComparison.Ordinal))
                .ToList();
            if (lines.Count == 0)
            {
                continue;
            }
            var generated = File.ReadAllLines(solution.PathOf(generatedPath)).ToHashSet(StringComparer.Ordinal);
            foreach (var line in lines)
            {
                checkedLines++;
                if (!generated.Contains(solution.Case.Renamed(line)))
                {
                    wrong.Add($"{generatedPath}: expected \"{solution.Case.Renamed(line).Trim()}\"");
                }
            }
        }

        output.WriteLine($"{checkedLines} line(s) with the lower- or upper-case form checked");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Keeps_scripts_executable(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            output.WriteLine("Windows has no executable bit; the template's chmod post action does nothing there.");
            return;
        }
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var index = await DotnetCli.GitAsync(template.RepositoryRoot, "ls-files", "--stage");
        Assert.True(index.Succeeded, index.Explain());

        var executables = index.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("100755", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..])
            .Where(path => !IsMachinery(path))
            .Select(solution.Case.Renamed)
            // The empty app is made without the shop's own scripts (bench/password-hash); the sample has every one.
            .Where(path => solution.Case.Sample || Path.Exists(solution.PathOf(path)))
            .ToList();

        Assert.Contains("stack", executables);
        var notExecutable = new List<string>();
        foreach (var path in executables)
        {
            if (!File.GetUnixFileMode(solution.PathOf(path)).HasFlag(UnixFileMode.UserExecute))
            {
                notExecutable.Add(path);
            }
        }
        Assert.True(notExecutable.Count == 0, $"Executable in the repository but not in the generated solution: {string.Join(", ", notExecutable)}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Sets_the_chosen_proxy_as_the_stack_default(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));

        // The stack's topology holds the default proxy kind; the template's --proxy rewrites that one line.
        const string Topology = "deploy/topology.env";
        Assert.True(File.Exists(solution.PathOf(Topology)), $"{Topology} is missing");
        var topology = solution.ReadText(Topology);

        Assert.NotNull(topology);
        var settings = ProxyKindSetting().Matches(topology).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal([solution.Case.Proxy], settings);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Restores_only_when_not_told_otherwise(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));

        if (solution.Case.Restore)
        {
            Assert.Contains("Restore succeeded", solution.Creation.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("restore", solution.Creation.Output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Readme_names_its_own_paths(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var sourceReadme = File.ReadAllText(Path.Combine(template.RepositoryRoot, "README.md"));

        var readme = solution.ReadText("README.md");

        Assert.NotNull(readme);
        Assert.Contains("./stack up", readme, StringComparison.Ordinal);
        Assert.Contains("./stack test", readme, StringComparison.Ordinal);
        var wrong = new List<string>();
        // The paths the generated README names under the new name must all be there.
        foreach (var path in PathsNamedIn(readme).Where(path => path.Contains(solution.Case.CodeName, StringComparison.Ordinal)))
        {
            if (!Path.Exists(solution.PathOf(path)))
            {
                wrong.Add($"{path}: named, but the generated solution does not have it");
            }
        }
        // Every path the repository's README shows is named in the generated one too, renamed, unless it is the
        // template's own. (Text in HTML comments is left out: that is where the template keeps alternatives.)
        foreach (var path in PathsNamedIn(HtmlComment().Replace(sourceReadme, "")))
        {
            var generatedPath = solution.Case.Renamed(path);
            var mentioned = readme.Contains(generatedPath, StringComparison.Ordinal);
            if (IsMachinery(path))
            {
                if (mentioned)
                {
                    wrong.Add($"{generatedPath}: the template's own, but still named");
                }
            }
            else if (!Path.Exists(Path.Combine(template.RepositoryRoot, path)))
            {
                // Not the template's to fix: the repository's README names something the repository lacks.
                output.WriteLine($"README.md names {path}, which the repository itself does not have (yet).");
            }
            else if (!mentioned)
            {
                // A path the solution was made without (the empty app has no shop, e.g. docs/accounts.md) must not be named.
                if (Path.Exists(solution.PathOf(generatedPath)))
                {
                    wrong.Add($"{generatedPath}: not named, though the repository's README names {path}");
                }
            }
            else if (!Path.Exists(solution.PathOf(generatedPath)))
            {
                wrong.Add($"{generatedPath}: named, but the generated solution does not have it");
            }
        }

        Assert.True(wrong.Count == 0, "README.md of the generated solution:\n" + string.Join('\n', wrong));
    }

    private static bool IsMachinery(string path) =>
        s_machinery.Any(m => path == m || path.StartsWith(m + "/", StringComparison.Ordinal));

    /// <summary>Repository paths a README names, in prose, code or links.</summary>
    private static IEnumerable<string> PathsNamedIn(string readme) =>
        RepositoryPath().Matches(readme).Select(m => m.Groups["path"].Value)
            .Concat(MarkdownLink().Matches(readme).Select(m => m.Groups["target"].Value))
            .Where(path => !path.Contains("://", StringComparison.Ordinal) && !path.StartsWith('#')
                && !path.Contains('*', StringComparison.Ordinal) && !path.Contains('<', StringComparison.Ordinal))
            .Select(path => path.Split('#')[0].TrimEnd('/', '.', ',', ':', ';'))
            .Where(path => path.Length > 0)
            .Distinct();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex("statelessapp", RegexOptions.IgnoreCase)]
    private static partial Regex TemplateName();

    [GeneratedRegex(@"^STACK_PROXY_KIND=(\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProxyKindSetting();

    /// <summary>src/…, tests/…, deploy/…, docs/…, bench/… as written in prose or code.</summary>
    [GeneratedRegex(@"(?<![\w/.-])(?:\./)?(?<path>(?:src|tests|deploy|docs|bench|\.ci)/[\w./-]*[\w/-])")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
