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

    /// <summary>Override files (deploy/compose/overrides/*.yml), each used on top of docker-compose.yml: "docker-compose.yml+FILE".</summary>
    public static IReadOnlyList<string> ComposeOverrides =>
    [
        .. Directory.GetFiles(PathOf("deploy", "compose", "overrides"), "*.yml")
            .Select(f => "docker-compose.yml+" + Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Every way the compose files are used: each file alone, and each override on top of docker-compose.yml.</summary>
    public static IReadOnlyList<string> ComposeUses => [.. ComposeFiles, .. ComposeOverrides];
}
