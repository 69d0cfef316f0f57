using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>The repository under test, found from the test's bin folder, and its one topology definition.</summary>
public static class Repository
{
    public static string Root { get; } = StackPaths.FindRepositoryRoot(AppContext.BaseDirectory);

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>deploy/topology.env as the stack controller loads it (file values; no environment overrides).</summary>
    public static StackTopology Topology => StackTopology.Load(PathOf("deploy", "topology.env"));

    /// <summary>Every compose file: the root one and deploy/compose/*.yml (found, not listed, so none escapes a test).</summary>
    public static IReadOnlyList<string> ComposeFiles =>
    [
        "docker-compose.yml",
        .. Directory.GetFiles(PathOf("deploy", "compose"), "*.yml")
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The compose files that run proxies: their proxies follow the env file's STACK_PROXY_KIND.</summary>
    public static IReadOnlyList<string> FilesWithProxies => ["docker-compose.yml", "deploy/compose/region-a.yml", "deploy/compose/region-b.yml"];

    /// <summary>
    /// The files with proxies, each resolved with an env file generated for one proxy kind: "FILE@kind"
    /// ("docker-compose.yml@nginx"), whatever kind deploy/topology.env names.
    /// </summary>
    public static IReadOnlyList<string> ComposeFilesPerProxyKind =>
        [.. Enum.GetValues<ProxyKind>().SelectMany(kind => FilesWithProxies.Select(file => $"{file}@{ProxyKindName(kind)}"))];

    /// <summary>Every way the compose files are used: each file alone with the topology's env file, and each file with proxies per proxy kind.</summary>
    public static IReadOnlyList<string> ComposeUses => [.. ComposeFiles, .. ComposeFilesPerProxyKind];

    /// <summary>Splits a compose use into its file and the proxy kind its env file was generated with (null: the topology's).</summary>
    public static (string File, ProxyKind? Kind) ParseUse(string use) =>
        use.Split('@') is [var file, var kind] ? (file, Enum.Parse<ProxyKind>(kind, ignoreCase: true)) : (use, null);

    /// <summary>The kind as STACK_PROXY_KIND spells it ("haproxy", "nginx").</summary>
    public static string ProxyKindName(ProxyKind kind) => kind.ToString().ToLowerInvariant();
}
