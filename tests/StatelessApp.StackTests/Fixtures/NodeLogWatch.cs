using System.Text;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>What one node logged from the moment this was made (its log read from its length then).</summary>
public sealed class NodeLogWatch(string logFile)
{
    private readonly long _start = File.Exists(logFile) ? new FileInfo(logFile).Length : 0L;

    /// <summary>Every line logged since.</summary>
    public IReadOnlyList<string> Lines()
    {
        if (!File.Exists(logFile))
        {
            return [];
        }

        using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(_start, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
