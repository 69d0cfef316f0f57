using System.Diagnostics;

namespace StatelessApp.Stack.Processes;

/// <summary>
/// Starts servers detached from the controller (own session via setsid, output appended to logs/NAME.log, pid in
/// run/NAME.pid) so that `stack up` returns while they run, and stops or kills them by that pid.
/// Each server leads its own process group: a signal to the group also reaches its workers (nginx, etc.).
/// </summary>
public sealed class ProcessSupervisor(StackPaths paths)
{
    /// <summary>The pid of the named server if it is running, else null (a stale pid file is removed).</summary>
    public int? RunningPid(string name)
    {
        var pidFile = PidFile.Read(paths.PidOf(name));
        if (pidFile is null)
        {
            return null;
        }

        if (pidFile.IsAlive())
        {
            return pidFile.Pid;
        }

        ForgetPid(name);
        return null;
    }

    /// <summary>Starts the server detached and records its pid; returns the pid.</summary>
    public int Start(string name, LaunchSpec spec)
    {
        Directory.CreateDirectory(paths.Logs);
        var log = paths.LogOf(name);
        File.AppendAllText(log, $"---- {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z stack: starting {name}: {spec.FileName} {string.Join(' ', spec.Arguments)}\n");

        // setsid: the server leads a new session and process group and does not get the controller's signals.
        // setsid only forks when the caller already leads a group, which a freshly started child never does,
        // so the pid we get is the server's own pid (sh and setpriv exec in place too).
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        // The cgroup is joined before exec, so the server and all it forks open every socket inside it.
        start.ArgumentList.Add((spec.Umask is { } mask ? $"umask {mask}; " : "")
            + (spec.Cgroup is null ? "" : "echo $$ >\"$1\"; shift; ")
            + "exec \"$@\" >>\"$0\" 2>&1 </dev/null");
        start.ArgumentList.Add(log);
        if (spec.Cgroup is { } cgroup)
        {
            start.ArgumentList.Add(Path.Combine(cgroup, "cgroup.procs"));
        }

        if (spec.RunAsUser is { } user && Environment.UserName == "root")
        {
            foreach (var argument in new[] { "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            start.Environment[key] = value;
        }

        start.WorkingDirectory = spec.WorkingDirectory ?? paths.StateRoot;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        // The start time distinguishes this process from a later one that reuses the pid.
        var info = ProcessInfo.Read(process.Id);
        new PidFile(process.Id, info?.StartTicks ?? 0).Write(paths.PidOf(name));
        return process.Id;
    }

    /// <summary>SIGKILL to the server's process group and to its companions (processes that left the group, e.g. a postmaster).</summary>
    public bool Kill(string name, IReadOnlyCollection<int> companions)
    {
        var pid = RunningPid(name);
        if (pid is { } leader)
        {
            Signals.SendToGroup(leader, Signals.Kill);
        }

        foreach (var companion in companions)
        {
            Signals.Send(companion, Signals.Kill);
        }

        ForgetPid(name);
        // SIGKILL is not instant: until the kernel has torn a process down it holds its ports, and a start right after
        // (a drill or test restarting the node) would find them taken.
        WaitUntilGone(pid is { } killed ? [killed, .. companions] : companions, KillSettleLimit);
        return pid is not null;
    }

    private static readonly TimeSpan KillSettleLimit = TimeSpan.FromSeconds(5);

    private static void WaitUntilGone(IReadOnlyCollection<int> pids, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit && pids.Any(p => ProcessInfo.Read(p) is { IsAlive: true }))
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>SIGTERM to the group, wait up to <paramref name="grace"/>, then SIGKILL whatever is left (companions too).</summary>
    public async Task<bool> StopAsync(string name, Func<IReadOnlyCollection<int>> companions, TimeSpan grace)
    {
        var pid = RunningPid(name);
        if (pid is not { } leader)
        {
            Kill(name, companions());
            return false;
        }

        var waitFor = companions();
        Signals.SendToGroup(leader, Signals.Terminate);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < grace && (RunningPid(name) is not null || waitFor.Any(c => ProcessInfo.Read(c) is { IsAlive: true })))
        {
            await Task.Delay(100);
        }

        if (ProcessInfo.Read(leader) is { IsAlive: true } || waitFor.Any(c => ProcessInfo.Read(c) is { IsAlive: true }))
        {
            Signals.SendToGroup(leader, Signals.Kill);
            foreach (var companion in waitFor)
            {
                Signals.Send(companion, Signals.Kill);
            }
        }

        ForgetPid(name);
        return true;
    }

    /// <summary>Removes the server's pid file (none yet, not even its folder, on a stack that never started).</summary>
    private void ForgetPid(string name)
    {
        if (File.Exists(paths.PidOf(name)))
        {
            File.Delete(paths.PidOf(name));
        }
    }
}
