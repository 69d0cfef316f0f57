using System.Diagnostics;

namespace StatelessApp.Bench;

/// <summary>Runs bench/plot.py (Debian's python3 with python3-matplotlib) on results.json.</summary>
public static class PlotRenderer
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Null when the PNG was written, else why not (the results are still valid without a plot).</summary>
    public static async Task<string?> RenderAsync(string repositoryRoot, string resultsJson, string png, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python, [Path.Combine(repositoryRoot, "bench", "plot.py"), resultsJson, png])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? null : $"plot.py exited {process.ExitCode}: {(await errors).Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} could not run ({e.Message}); apt-get install python3-matplotlib";
        }
    }
}
