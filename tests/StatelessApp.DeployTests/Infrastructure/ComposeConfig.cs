using YamlDotNet.RepresentationModel;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// A compose file as docker-compose resolves it (`docker-compose --env-file ENV -f FILE config`: variables filled in,
/// `extends` applied, env_file merged, paths made absolute). Debian's docker-compose 1.29 does this without any
/// Docker engine.
/// </summary>
public sealed class ComposeConfig
{
    private ComposeConfig(string file, string text, IReadOnlyDictionary<string, ComposeService> services, IReadOnlyDictionary<string, YamlMappingNode> networks)
    {
        File = file;
        Text = text;
        Services = services;
        Networks = networks;
    }

    public string File { get; }

    /// <summary>The resolved YAML as printed.</summary>
    public string Text { get; }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public IReadOnlyDictionary<string, YamlMappingNode> Networks { get; }

    public IEnumerable<ComposeService> Nodes => Services.Values.Where(s => !s.IsJob);

    /// <summary>`docker-compose config` of one compose use (a file, or "FILE@kind": see <see cref="Repository.ParseUse"/>) with an env file.</summary>
    public static Task<CommandResult> RunConfigAsync(string use, string envFile) =>
        CommandLine.RunAsync("docker-compose",
            ["--env-file", envFile, "-f", Repository.PathOf(Repository.ParseUse(use).File), "config"],
            TestSecrets.NoneSet(), timeout: TimeSpan.FromMinutes(5));

    public static async Task<ComposeConfig> LoadAsync(string composeFiles, string envFile)
    {
        var result = await RunConfigAsync(composeFiles, envFile);
        Assert.True(result.Succeeded, result.ToString());
        return Parse(composeFiles, result.StandardOutput);
    }

    public static ComposeConfig Parse(string file, string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = Mapping(root, "services").Children.ToDictionary(
            entry => Scalar(entry.Key),
            entry => ToService(Scalar(entry.Key), (YamlMappingNode)entry.Value),
            StringComparer.Ordinal);
        var networks = Mapping(root, "networks").Children.ToDictionary(
            entry => Scalar(entry.Key),
            entry => entry.Value as YamlMappingNode ?? new YamlMappingNode(),
            StringComparer.Ordinal);
        return new ComposeConfig(file, text, services, networks);
    }

    /// <summary>The subnet a network declares (ipam.config[0].subnet), or null (an external network).</summary>
    public string? SubnetOf(string network) =>
        Networks.TryGetValue(network, out var node)
        && node.Children.TryGetValue("ipam", out var ipam)
        && ((YamlMappingNode)ipam).Children.TryGetValue("config", out var config)
            ? Scalar(((YamlMappingNode)((YamlSequenceNode)config).Children[0]).Children["subnet"])
            : null;

    public bool IsExternal(string network) =>
        Networks.TryGetValue(network, out var node) && node.Children.TryGetValue("external", out var external) && Scalar(external) == "true";

    private static ComposeService ToService(string name, YamlMappingNode node)
    {
        var build = node.Children.TryGetValue("build", out var b) ? b : null;
        return new ComposeService(
            name,
            node.Children.TryGetValue("image", out var image) ? Scalar(image) : null,
            build is YamlMappingNode buildMap && buildMap.Children.TryGetValue("context", out var context) ? Scalar(context) : build is YamlScalarNode s ? s.Value : null,
            Strings(node, "labels"),
            Strings(node, "environment"),
            List(node, "volumes"),
            Mapping(node, "networks").Children.ToDictionary(
                n => Scalar(n.Key),
                n => n.Value is YamlMappingNode m && m.Children.TryGetValue("ipv4_address", out var address) ? Scalar(address) : null,
                StringComparer.Ordinal),
            List(node, "ports"),
            Mapping(node, "depends_on").Children.ToDictionary(
                d => Scalar(d.Key),
                d => d.Value is YamlMappingNode m && m.Children.TryGetValue("condition", out var c) ? Scalar(c) : "service_started",
                StringComparer.Ordinal),
            List(node, "command"),
            node.Children.TryGetValue("healthcheck", out var health) && health is YamlMappingNode h ? List(h, "test") : [],
            node.Children.TryGetValue("restart", out var restart) ? Scalar(restart) : null,
            new ContainerLimits(
                node.Children.TryGetValue("read_only", out var readOnly) && Scalar(readOnly) == "true",
                List(node, "cap_drop"),
                List(node, "cap_add"),
                List(node, "security_opt"),
                OptionalScalar(node, "user"),
                OptionalScalar(node, "mem_limit"),
                OptionalScalar(node, "pids_limit"),
                List(node, "entrypoint")),
            build is YamlMappingNode withArgs ? Strings(withArgs, "args") : new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static string? OptionalScalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlMappingNode mapping ? mapping : new YamlMappingNode();

    private static Dictionary<string, string> Strings(YamlMappingNode node, string key) =>
        Mapping(node, key).Children.ToDictionary(e => Scalar(e.Key), e => e.Value is YamlScalarNode v ? v.Value ?? "" : "", StringComparer.Ordinal);

    private static List<string> List(YamlMappingNode node, string key) =>
        !node.Children.TryGetValue(key, out var value) ? []
        : value is YamlSequenceNode sequence ? [.. sequence.Children.Select(c => c is YamlScalarNode s ? s.Value ?? "" : c.ToString())]
        : value is YamlScalarNode scalar ? [scalar.Value ?? ""]
        : [];
}
