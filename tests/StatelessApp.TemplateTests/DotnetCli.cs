using System.Diagnostics;
using System.Text;

namespace StatelessApp.TemplateTests;

/// <summary>Runs the dotnet CLI (or git) as a child process and captures what it prints.</summary>
internal static class DotnetCli
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The same dotnet that runs the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<CommandResult> RunAsync(
        string workingDirectory,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null) =>
        RunAsync(Executable, workingDirectory, arguments, environment, timeout);

    public static Task<CommandResult> GitAsync(string workingDirectory, params string[] arguments) =>
        RunAsync("git", workingDirectory, arguments, environment: null, timeout: null);

    private static async Task<CommandResult> RunAsync(
        string executable,
        string workingDirectory,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan? timeout)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // `dotnet test` hands MSBuild and test host settings to the test process; a child build that inherits
        // them resolves SDKs and targets from the wrong place. The child must behave like a user's shell.
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }
        // No MSBuild node may outlive its command: a reused node keeps the environment it started with (an
        // isolated DOTNET_CLI_HOME, say) and would carry it into the next, unrelated build on this machine.
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancellation = new CancellationTokenSource(timeout ?? s_defaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, $"[killed after {stopwatch.Elapsed.TotalSeconds:F0} s: timeout]");
            return new CommandResult(Describe(startInfo), -1, output.ToString(), stopwatch.Elapsed);
        }

        return new CommandResult(Describe(startInfo), process.ExitCode, output.ToString(), stopwatch.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Describe(ProcessStartInfo startInfo) =>
        $"{Path.GetFileName(startInfo.FileName)} {string.Join(' ', startInfo.ArgumentList)} (in {startInfo.WorkingDirectory})";
}
