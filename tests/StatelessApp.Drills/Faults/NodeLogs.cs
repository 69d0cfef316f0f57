using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Faults;

/// <summary>
/// What the stack's servers logged during a drill: the lines holding a text in the log of each node of a kind, counted
/// before and compared after. A node's log may start anew when it restarts, so only a count that grew says "since".
/// </summary>
internal static class NodeLogs
{
    /// <summary>Lines holding <paramref name="text"/> each node of <paramref name="kind"/> has logged so far.</summary>
    public static IReadOnlyDictionary<string, int> CountSoFar(DrillStackFixture stack, NodeKind kind, string text) =>
        stack.Topology.NodesOf(kind).ToDictionary(
            node => node.Name,
            node => stack.Controller.Paths.LogOf(node.Name) is var log && File.Exists(log)
                ? ReadShared(log).Count(line => line.Contains(text, StringComparison.Ordinal))
                : 0,
            StringComparer.Ordinal);

    /// <summary>How many times the nodes of <paramref name="kind"/> logged <paramref name="text"/> since <paramref name="before"/> was counted.</summary>
    public static int CountSince(DrillStackFixture stack, NodeKind kind, string text, IReadOnlyDictionary<string, int> before) =>
        CountSoFar(stack, kind, text).Sum(now => Math.Max(0, now.Value - before.GetValueOrDefault(now.Key)));

    /// <summary>Did any node of <paramref name="kind"/> log <paramref name="text"/> since <paramref name="before"/> was counted?</summary>
    public static bool AnySince(DrillStackFixture stack, NodeKind kind, string text, IReadOnlyDictionary<string, int> before) =>
        CountSince(stack, kind, text, before) > 0;

    // The server is still writing its log.
    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }
}
