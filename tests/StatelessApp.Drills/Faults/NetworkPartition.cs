using System.Diagnostics;
using System.Globalization;
using System.Net;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Distance;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Faults;

/// <summary>
/// Cuts the network between two regions of the local stack, and heals it on dispose.
/// </summary>
/// <remarks>
/// On loopback every outgoing connection leaves from 127.0.0.1, whatever address its server listens on, so a rule on
/// source addresses cannot tell region A's traffic from the witness's or the clients'. The stack starts every process
/// of a region's nodes in the region's cgroup (<see cref="SiteCgroups"/>, as the site delay needs), so iptables drops
/// what a process of one region's cgroup sends to the other region's network (<c>-m cgroup --path</c>). A socket keeps
/// the cgroup it was created in and conntrack lets an established connection's packets through an OUTPUT rule only if
/// they match it, so the connections already open between the regions are destroyed (<c>ss -K</c>) to make the cut take
/// effect at once. The witness and the drill's clients reach both regions throughout.
/// </remarks>
public sealed class NetworkPartition : IAsyncDisposable
{
    private const string Chain = "STATELESSAPP_DRILL";

    private NetworkPartition()
    {
    }

    public static async Task<NetworkPartition> CutAsync(DrillStackFixture stack, string first, string second)
    {
        var cgroups = stack.Controller.Context.Cgroups
            ?? throw new InvalidOperationException("the partition drill needs the sites' cgroups, which the stack makes only when run as root");
        var partition = new NetworkPartition();
        try
        {
            await RunCheckedAsync("iptables", "-w", "-N", Chain);
            await RunCheckedAsync("iptables", "-w", "-I", "OUTPUT", "-j", Chain);
            foreach (var (from, to) in new[] { (first, second), (second, first) })
            {
                var network = stack.Topology.Regions.Single(r => r.Name == to).Network.ToString();
                await RunCheckedAsync("iptables", "-w", "-A", Chain, "-m", "cgroup", "--path", cgroups.PathOf(from), "-d", network, "-j", "DROP");
            }

            var members = new[] { first, second }.ToDictionary(region => region, region => cgroups.ProcessesIn(region).ToHashSet());
            await DestroyConnectionsBetweenAsync(stack, members, first, second);
            return partition;
        }
        catch
        {
            await partition.DisposeAsync();
            throw;
        }
    }

    /// <summary>Heals: removes the rules (the processes stay in their sites' cgroups, where the stack put them).</summary>
    public async ValueTask DisposeAsync()
    {
        await RunAsync("iptables", "-w", "-D", "OUTPUT", "-j", Chain);
        await RunAsync("iptables", "-w", "-F", Chain);
        await RunAsync("iptables", "-w", "-X", Chain);
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
