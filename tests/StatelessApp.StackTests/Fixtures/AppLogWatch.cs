using System.Text;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>What every app instance logged from the moment this was made (each log read from its length then).</summary>
public sealed class AppLogWatch
{
    private readonly Dictionary<string, long> _start;

    public AppLogWatch(StackController stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        _start = stack.Topology.NodesOf(NodeKind.App)
            .Select(node => stack.Paths.LogOf(node.Name))
            .ToDictionary(file => file, file => File.Exists(file) ? new FileInfo(file).Length : 0L);
    }

    /// <summary>The lines logged since by all instances that contain <paramref name="text"/>.</summary>
    public int Count(string text) => Lines().Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Every line logged since, instance by instance (to explain a failure).</summary>
    public IEnumerable<string> Lines() => _start.SelectMany(log => NewLines(log.Key, log.Value));

    private static string[] NewLines(string file, long from)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n');
    }
}
