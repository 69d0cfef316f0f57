using System.Diagnostics;

namespace StatelessApp.Bench;

/// <summary>The machine the figures come from, and how busy it was (the benchmark shares it with whatever else runs).</summary>
public sealed record MachineSnapshot(DateTimeOffset TakenAt, string LoadAverage, int Cores, string Cpu, string MemoryTotal, string OperatingSystem,
    string Kernel, string Runtime, IReadOnlyList<string> BusiestProcesses)
{
    public static MachineSnapshot Take() => new(
        DateTimeOffset.UtcNow,
        string.Join(' ', ReadFirstLine("/proc/loadavg").Split(' ').Take(3)),
        Environment.ProcessorCount,
        ValueOf("/proc/cpuinfo", "model name"),
        ValueOf("/proc/meminfo", "MemTotal"),
        File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "" : "",
        ReadFirstLine("/proc/sys/kernel/osrelease"),
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        BusiestProcessesNow());

    private static string ReadFirstLine(string file) => File.Exists(file) ? File.ReadLines(file).FirstOrDefault()?.Trim() ?? "" : "";

    private static string ValueOf(string file, string key) =>
        File.Exists(file)
            ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? ""
            : "";

    /// <summary>ps's top five by CPU share since they started: who else was using the cores.</summary>
    private static IReadOnlyList<string> BusiestProcessesNow()
    {
        try
        {
            var start = new ProcessStartInfo("ps", ["-eo", "pcpu,etime,comm", "--sort=-pcpu", "--no-headers"]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var ps = Process.Start(start);
            if (ps is null)
            {
                return [];
            }

            var lines = ps.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            ps.WaitForExit();
            return [.. lines.Take(5)];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }
}
