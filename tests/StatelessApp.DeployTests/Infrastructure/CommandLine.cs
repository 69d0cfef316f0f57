using System.Diagnostics;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>Runs a program to completion (bash scripts, docker-compose, shellcheck, dotnet) and captures its output.</summary>
public static class CommandLine
{
    /// <param name="environment">Variables to set; a null value removes the variable from the child's environment.</param>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var shown = string.Join(' ', [file, .. start.ArgumentList]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {shown}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{shown} did not finish within {timeout ?? TimeSpan.FromMinutes(1)}");
        }

        return new CommandResult(shown, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a bash script of the repository (by its path relative to the root).</summary>
    public static Task<CommandResult> BashAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunAsync("bash", [Repository.PathOf(script), .. arguments], environment, timeout: timeout);
}
