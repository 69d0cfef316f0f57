using System.Globalization;

namespace StatelessApp.Stack.Processes;

/// <summary>
/// A started server's pid and its start time (so a recycled pid is never mistaken for the server, and never killed).
/// </summary>
public sealed record PidFile(int Pid, long StartTicks)
{
    public static PidFile? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new PidFile(pid, ticks)
            : null;
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTicks}\n"));
    }

    /// <summary>True while the very process this file recorded is alive.</summary>
    public bool IsAlive() => ProcessInfo.Read(Pid) is { IsAlive: true } info && info.StartTicks == StartTicks;
}
