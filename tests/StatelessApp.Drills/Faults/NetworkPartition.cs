using System.Diagnostics;
using System.Globalization;
using System.Net;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Faults;

/// <summary>
/// Cuts the network between two regions of the local stack, and heals it on dispose.
/// </summary>
/// <remarks>
/// On loopback every outgoing connection leaves from 127.0.0.1, whatever address its server listens on, so a rule on
/// source addresses cannot tell region A's traffic from the witness's or the clients'. Instead each region's processes
/// (every process of each node's session, including PostgreSQL's postmaster and its backends) move into a cgroup v2 of
/// their own, and iptables drops what a process of one region's cgroup sends to the other region's network
/// (<c>-m cgroup --path</c>). A socket keeps the cgroup it was created in, so the connections already open between the
/// regions are destroyed (<c>ss -K</c>) to make the cut take effect at once. The witness and the drill's clients stay
/// in the root cgroup and reach both regions throughout. The v2 hierarchy is at /sys/fs/cgroup on a pure v2 host and at
/// /sys/fs/cgroup/unified on a hybrid one (<see cref="CgroupV2Root"/>); <c>--path</c> is relative to its root either way.
/// The two cgroups are leaves with no controller enabled, so v2's "no internal processes" rule does not refuse the moves.
/// </remarks>
public sealed class NetworkPartition : IAsyncDisposable
{
    private const string Chain = "STATELESSAPP_DRILL";
    private readonly string _cgroupRoot;
    private readonly Dictionary<string, string> _groups;

    private NetworkPartition(string cgroupRoot, Dictionary<string, string> groups)
    {
        _cgroupRoot = cgroupRoot;
        _groups = groups;
    }

    public static async Task<NetworkPartition> CutAsync(DrillStackFixture stack, string first, string second)
    {
        var tag = "statelessapp-drill-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var groups = new Dictionary<string, string> { [first] = $"{tag}-{first}", [second] = $"{tag}-{second}" };
        var cgroupRoot = CgroupV2Root.Find();
        var partition = new NetworkPartition(cgroupRoot, groups);
        try
        {
            var members = new Dictionary<string, HashSet<int>>();
            foreach (var (region, group) in groups)
            {
                Directory.CreateDirectory(Path.Combine(cgroupRoot, group));
                members[region] = ProcessesOf(stack, region);
                foreach (var pid in members[region])
                {
                    TryMove(pid, Path.Combine(cgroupRoot, group));
                }
            }

            await RunCheckedAsync("iptables", "-w", "-N", Chain);
            await RunCheckedAsync("iptables", "-w", "-I", "OUTPUT", "-j", Chain);
            foreach (var (from, to) in new[] { (first, second), (second, first) })
            {
                var network = stack.Topology.Regions.Single(r => r.Name == to).Network.ToString();
                await RunCheckedAsync("iptables", "-w", "-A", Chain, "-m", "cgroup", "--path", groups[from], "-d", network, "-j", "DROP");
            }

            await DestroyConnectionsBetweenAsync(stack, members, first, second);
            return partition;
        }
        catch
        {
            await partition.DisposeAsync();
            throw;
        }
    }

    /// <summary>Heals: removes the rules, moves every process back to the root cgroup, removes the cgroups.</summary>
    public async ValueTask DisposeAsync()
    {
        await RunAsync("iptables", "-w", "-D", "OUTPUT", "-j", Chain);
        await RunAsync("iptables", "-w", "-F", Chain);
        await RunAsync("iptables", "-w", "-X", Chain);
        foreach (var group in _groups.Values)
        {
            var folder = Path.Combine(_cgroupRoot, group);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var line in File.ReadAllLines(Path.Combine(folder, "cgroup.procs")))
            {
                TryMove(int.Parse(line, CultureInfo.InvariantCulture), _cgroupRoot);
            }

            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                // A process that just forked into it; the kernel refuses until it is empty. Harmless: no rule names it any more.
            }
        }
    }

    /// <summary>Every process of the region's nodes: the node's session (setsid) and its companions' sessions.</summary>
    private static HashSet<int> ProcessesOf(DrillStackFixture stack, string region)
    {
        var sessions = new HashSet<int>();
        foreach (var node in stack.Topology.NodesIn(region))
        {
            if (ReadPid(stack.Controller.Paths.PidOf(node.Name)) is { } pid)
            {
                sessions.Add(pid);
            }

            foreach (var companion in stack.Controller.ServerOf(node).Companions(node, stack.Controller.Context))
            {
                sessions.Add(SessionOf(companion) ?? companion);
            }
        }

        var members = new HashSet<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && SessionOf(pid) is { } session && sessions.Contains(session))
            {
                members.Add(pid);
            }
        }

        return members;
    }

    private static async Task DestroyConnectionsBetweenAsync(DrillStackFixture stack, Dictionary<string, HashSet<int>> members, string first, string second)
    {
        // ss -tnpH: "ESTAB 0 0 127.0.0.1:40000 127.201.0.21:6379 users:(("redis-server",pid=12,fd=9))"
        var listing = await RunAsync("ss", "-tnpH", "state", "established");
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 5)
            {
                continue;
            }

            var local = columns[2];
            var peer = columns[3];
            var owners = ParsePids(line);
            foreach (var (from, to) in new[] { (first, second), (second, first) })
            {
                var network = stack.Topology.Regions.Single(r => r.Name == to).Network;
                if (owners.Overlaps(members[from]) && IPEndPoint.TryParse(peer, out var remote) && network.Contains(remote.Address))
                {
                    await RunAsync("ss", "-K", "-tn", "src", local, "dst", peer);
                }
            }
        }
    }

    private static HashSet<int> ParsePids(string line)
    {
        var pids = new HashSet<int>();
        foreach (var part in line.Split("pid=").Skip(1))
        {
            var digits = new string([.. part.TakeWhile(char.IsAsciiDigit)]);
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private static int? ReadPid(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>Field 6 of /proc/PID/stat (after the parenthesised command name, which may contain spaces).</summary>
    private static int? SessionOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[3], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryMove(int pid, string cgroup)
    {
        try
        {
            File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // The process ended meanwhile.
        }
    }

    /// <summary>A cut that did not happen must fail the drill, not pass it quietly.</summary>
    private static async Task RunCheckedAsync(string program, params string[] arguments)
    {
        var (exitCode, _, error) = await RunProcessAsync(program, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {exitCode}: {error.Trim()}");
        }
    }

    private static async Task<string> RunAsync(string program, params string[] arguments) => (await RunProcessAsync(program, arguments)).Output;

    private static async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
