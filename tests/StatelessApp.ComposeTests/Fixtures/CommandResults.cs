using StatelessApp.Stack.Processes;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>The fixtures' one rule for a command that must succeed: its output, or a failure naming it with its last lines.</summary>
public static class CommandResults
{
    private const int TailLines = 30;

    public static string OutputOrThrow(this CommandResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Succeeded ? result.Output
            : throw new InvalidOperationException(
                $"{command} exited with {result.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, result.Output.Split('\n').TakeLast(TailLines))}");
    }
}
