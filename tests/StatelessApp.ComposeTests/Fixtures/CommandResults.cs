using StatelessApp.Stack.Processes;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>The fixtures' one rule for a command that must succeed: its output, or a failure naming it with its last lines (the very last on the first).</summary>
public static class CommandResults
{
    private const int TailLines = 30;

    public static string OutputOrThrow(this CommandResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded)
        {
            return result.Output;
        }

        // The last line said again on the first: a test report (CI's summary) may show nothing more of a failure.
        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var last = lines.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";
        throw new InvalidOperationException(
            $"{command} exited with {result.ExitCode}: {last}{Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(TailLines))}");
    }
}
