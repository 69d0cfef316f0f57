using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Servers;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/compose/render.sh (what the containers render templates with) against the controller's ConfigTemplate
/// (what `./stack up` renders them with): the same output for every template in deploy/, the same refusal.
/// </summary>
public sealed partial class TemplateRendererTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("render-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Templates => new(TemplateFiles());

    /// <summary>Every config file in deploy/ with a ${UPPER_CASE} placeholder, found (not listed), except haproxy.cfg.</summary>
    private static List<string> TemplateFiles() =>
    [
        .. Directory.EnumerateFiles(Repository.PathOf("deploy"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".sh", StringComparison.Ordinal) && !f.EndsWith(".yml", StringComparison.Ordinal) && !IsDockerfile(f))
            .Where(f => Placeholder().IsMatch(File.ReadAllText(f)))
            .Where(f => !f.Contains("haproxy", StringComparison.Ordinal)) // HAProxy expands its own "${VAR}"s at run time
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Order(StringComparer.Ordinal),
    ];

    // Docker expands a Dockerfile's ${ARG}s at build time ("Dockerfile", "app-self-contained.Dockerfile"): not templates.
    private static bool IsDockerfile(string path) =>
        Path.GetFileName(path) == "Dockerfile" || path.EndsWith(".Dockerfile", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\{[A-Z][A-Z0-9_]*\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void The_templates_are_the_ones_the_containers_and_the_controller_render() =>
        Assert.Equal(
            ["deploy/dns/app.hosts.template", "deploy/nginx/nginx.conf.template", "deploy/redis/sentinel.conf", "deploy/redis/users.acl"],
            TemplateFiles());

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task The_container_renderer_writes_what_the_controller_writes(string template)
    {
        var text = await File.ReadAllTextAsync(Repository.PathOf(template));
        // Values that break naive renderers: sed's & and \1, a $ and a ${...} of their own, quotes, spaces.
        var variables = Placeholder().Matches(text).Select(m => m.Value[2..^1]).Distinct()
            .ToDictionary(name => name, name => $"{name.ToLowerInvariant()} & \\1 $x ${{Y}} 'q' \"d\"", StringComparer.Ordinal);

        var expected = ConfigTemplate.Render(text, variables, template);
        var output = Path.Combine(_folder, "rendered");
        var result = await RenderAsync(template, output, variables);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(expected, await File.ReadAllTextAsync(output));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
    }

    [Fact]
    public async Task Both_refuse_a_placeholder_without_a_value_and_name_it()
    {
        const string template = "deploy/redis/sentinel.conf";
        var text = await File.ReadAllTextAsync(Repository.PathOf(template));
        var variables = Placeholder().Matches(text).Select(m => m.Value[2..^1]).Distinct().Where(n => n != "REDIS_SENTINEL_PASSWORD")
            .ToDictionary(n => n, n => "value", StringComparer.Ordinal);
        var output = Path.Combine(_folder, "refused");

        var controller = Assert.Throws<InvalidOperationException>(() => ConfigTemplate.Render(text, variables, template));
        var container = await RenderAsync(template, output, variables);

        Assert.Contains("no value for REDIS_SENTINEL_PASSWORD", controller.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, container.ExitCode);
        Assert.Contains("no value for REDIS_SENTINEL_PASSWORD", container.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "a failed render must not leave a half-written config");
    }

    private static Task<CommandResult> RenderAsync(string template, string output, IReadOnlyDictionary<string, string> variables) =>
        CommandLine.RunAsync("env", ["-i", .. variables.Select(v => $"{v.Key}={v.Value}"), "sh", Repository.PathOf("deploy", "compose", "render.sh"), Repository.PathOf(template), output]);
}
