using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>Every compose file parses and validates (Debian's docker-compose 1.29, no Docker engine) with the generated env file.</summary>
public sealed partial class ComposeFileValidationTests(GeneratedComposeEnv env) : IClassFixture<GeneratedComposeEnv>
{
    [GeneratedRegex(@"(?<!\$)\$\{(?<name>[A-Z][A-Z0-9_]*)")]
    private static partial Regex ComposeVariable();

    public static TheoryData<string> ComposeFiles => new(Repository.ComposeFiles);

    public static TheoryData<string> ComposeUses => new(Repository.ComposeUses);

    [Fact]
    public void The_compose_files_are_the_one_host_file_the_definitions_and_one_file_per_site() =>
        Assert.Equal(
            ["docker-compose.yml", "deploy/compose/region-a.yml", "deploy/compose/region-b.yml", "deploy/compose/services.yml", "deploy/compose/witness.yml"],
            Repository.ComposeFiles);

    [Fact]
    public void Every_proxy_kind_has_its_proxy_program_and_no_other_file_is_there() =>
        Assert.Equal(
            Enum.GetValues<ProxyKind>().Select(kind => $"{Repository.ProxyKindName(kind)}.yml").Order(StringComparer.Ordinal),
            Directory.GetFiles(Repository.PathOf("deploy", "compose", "proxies")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Fact]
    public async Task A_proxy_kind_without_a_proxy_program_is_refused_by_the_generator()
    {
        var environment = env.Secrets.AsEnvironment();
        environment["STACK_PROXY_KIND"] = "traefik";

        var result = await CommandLine.BashAsync("deploy/compose/compose-env.sh", ["-o", env.Scratch("traefik.env")], environment);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("STACK_PROXY_KIND 'traefik' must be haproxy or nginx", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(env.Scratch("traefik.env")));
    }

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public async Task The_compose_file_validates_with_the_generated_env_file(string file)
    {
        var result = await ComposeConfig.RunConfigAsync(file, env.FilePathFor(file));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("services:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public void Every_variable_the_file_uses_is_one_the_generator_writes(string file)
    {
        // docker-compose fills an unknown ${VAR} with an empty string (a warning, not an error): this test does not.
        var (path, kind) = Repository.ParseUse(file);
        string[] files = kind is { } proxyKind ? [path, $"deploy/compose/proxies/{Repository.ProxyKindName(proxyKind)}.yml"] : [path];
        var code = files.SelectMany(f => File.ReadAllLines(Repository.PathOf(f))).Where(line => !line.TrimStart().StartsWith('#'));
        var used = code.SelectMany(line => ComposeVariable().Matches(line)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(used.Where(name => !env.Values.ContainsKey(name)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public async Task Without_the_generated_env_file_compose_refuses_and_says_how_to_make_it(string file)
    {
        var empty = env.Scratch("empty.env");
        await File.WriteAllTextAsync(empty, "");

        var result = await ComposeConfig.RunConfigAsync(file, empty);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("run deploy/compose/compose-env.sh", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public async Task Without_the_folder_of_the_secret_files_compose_refuses(string file)
    {
        var withoutSecrets = env.Scratch("no-secrets-dir.env");
        await File.WriteAllLinesAsync(withoutSecrets, File.ReadAllLines(env.FilePath).Where(l => !l.StartsWith("SECRETS_DIR=", StringComparison.Ordinal)));

        var result = await ComposeConfig.RunConfigAsync(file, withoutSecrets);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SECRETS_DIR", result.StandardError, StringComparison.Ordinal);
    }
}
