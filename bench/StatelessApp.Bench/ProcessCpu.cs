using System.Globalization;

namespace StatelessApp.Bench;

/// <summary>
/// CPU time (user + system) that a process and everything below it has used, from /proc/PID/stat: counted by the
/// kernel, so unlike throughput it barely moves when other work on the machine takes the cores for a while.
/// A process tree's total is the sum over its live processes of their own time plus their reaped children's
/// (cutime/cstime), so a PostgreSQL backend that exits between two readings is still counted, in the postmaster.
/// </summary>
public static class ProcessCpu
{
    /// <summary>USER_HZ: the unit of /proc's times; 100 on every Linux architecture the stack runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds per label, each label's tree rooted at the given pid (a missing pid counts 0).</summary>
    public static IReadOnlyDictionary<string, double> Read(IReadOnlyDictionary<string, int> roots)
    {
        var processes = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat)
            {
                processes[pid] = stat;
            }
        }

        var children = processes.GroupBy(p => p.Value.Parent).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
        return roots.ToDictionary(root => root.Key, root => TreeTicks(root.Value, processes, children) / TicksPerSecond, StringComparer.Ordinal);
    }

    private static long TreeTicks(int root, Dictionary<int, (int Parent, long Ticks)> processes, Dictionary<int, List<int>> children)
    {
        long total = 0;
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            if (processes.TryGetValue(pid, out var process))
            {
                total += process.Ticks;
                foreach (var child in children.GetValueOrDefault(pid) ?? [])
                {
                    pending.Push(child);
                }
            }
        }

        return total;
    }

    /// <summary>Parent pid and utime + stime + cutime + cstime; null when the process has gone.</summary>
    private static (int Parent, long Ticks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15) + Field(16) + Field(17));
    }
}
