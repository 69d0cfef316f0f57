using System.Globalization;

namespace StatelessApp.Stack.Processes;

/// <summary>What /proc says about a process: alive (not a zombie), its process group, and its start time.</summary>
public readonly record struct ProcessInfo(int Pid, char State, int ProcessGroup, long StartTicks)
{
    public bool IsAlive => State is not ('Z' or 'X');

    /// <summary>Reads /proc/PID/stat; null when there is no such process.</summary>
    public static ProcessInfo? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces: parse from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] = state (field 3), fields[2] = pgrp (field 5), fields[19] = starttime (field 22)
        return new ProcessInfo(
            pid,
            fields[0][0],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            long.Parse(fields[19], CultureInfo.InvariantCulture));
    }
}
