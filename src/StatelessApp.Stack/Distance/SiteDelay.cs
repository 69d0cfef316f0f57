using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Distance;

/// <summary>
/// Puts the topology's distance between the sites of the running stack (docs/latency.md, "How distance is made"): the
/// delayer (deploy/local/site-delay, built on first use) holds every packet between two sites' cgroups for half the
/// pair's round trip, steered to it by iptables rules of this stack's own (chains and queues named by its tag).
/// </summary>
public sealed class SiteDelay(StackPaths paths, StackTopology topology, SiteCgroups cgroups, ProcessSupervisor supervisor)
{
    /// <summary>The delayer's name among the stack's processes (logs/site-delay.log, run/site-delay.pid).</summary>
    public const string ProcessName = "site-delay";

    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RulesLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(10);

    private string Folder => Path.Combine(paths.Deploy, "local", "site-delay");

    private string RulesScript => Path.Combine(Folder, "site-delay-rules.sh");

    private string Delayer => Path.Combine(Folder, "build", "site-delay");

    /// <summary>The first of this stack's queues: one of 4,096 slots of four queues from 4000, chosen by its tag.</summary>
    public int QueueBase => 4000 + (int)(uint.Parse(cgroups.Tag, NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 4096) * 4;

    /// <summary>
    /// Builds the delayer if needed, (re)starts it for the topology's round trips and installs the rules; with every
    /// round trip zero, removes both instead. Connections opened before keep the delay (or none) they started with.
    /// </summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await RemoveAsync(cancellationToken);
        if (topology.Distances.IsZero)
        {
            return;
        }

        var build = await CommandRunner.RunAsync("make", ["-s", "-C", Folder, "build/site-delay"], BuildLimit, cancellationToken: cancellationToken);
        if (!build.Succeeded)
        {
            throw new StackException($"site delay: building {Delayer} failed (it needs gcc, make and libnetfilter-queue-dev: deploy/local/install-prerequisites.sh; `up --no-distance` runs without it):\n{build.Output}");
        }

        var queues = await RunRulesAsync(["queues", .. CommonArguments()], cancellationToken);
        var log = paths.LogOf(ProcessName);
        var logStart = File.Exists(log) ? new FileInfo(log).Length : 0;
        supervisor.Start(ProcessName, new LaunchSpec(Delayer, queues.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        await WaitReadyAsync(log, logStart, cancellationToken);
        await RunRulesAsync(["add", .. CommonArguments(), .. cgroups.Sites.SelectMany(site => new[] { "--cgroup", $"{site}={cgroups.PathOf(site)}" })], cancellationToken);
    }

    /// <summary>Removes the rules, then stops the delayer (it releases what it holds at once): the sites are 0 ms apart.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await RunRulesAsync(["remove", "--tag", cgroups.Tag], cancellationToken);
        await supervisor.StopAsync(ProcessName, () => [], TimeSpan.FromSeconds(5));
    }

    /// <summary>Whether the delayer runs (the rules send packets past it undelayed when it does not).</summary>
    public bool IsRunning => supervisor.RunningPid(ProcessName) is not null;

    private string[] CommonArguments() => ["--tag", cgroups.Tag, "--queue-base", QueueBase.ToString(CultureInfo.InvariantCulture)];

    private async Task<string> RunRulesAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // The topology as this stack loaded it (its overrides included), not as the file alone says.
        var environment = topology.Regions.ToDictionary(r => r.Name.ToUpperInvariant() + "_NETWORK", r => r.Network.ToString(), StringComparer.Ordinal);
        foreach (var (key, value) in topology.Distances.AsTopologyKeys())
        {
            environment[key] = value;
        }

        var result = await CommandRunner.RunAsync("bash", [RulesScript, .. arguments], RulesLimit, environment, cancellationToken: cancellationToken);
        return result.Succeeded
            ? result.Output.Trim()
            : throw new StackException($"site delay: `site-delay-rules.sh {string.Join(' ', arguments)}` failed (exit {result.ExitCode}):\n{result.Output}");
    }

    private async Task WaitReadyAsync(string log, long logStart, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (ReadFrom(log, logStart).Contains("site-delay: ready", StringComparison.Ordinal))
            {
                return;
            }

            if (!IsRunning || watch.Elapsed > ReadyLimit)
            {
                throw new StackException($"site delay: the delayer did not get ready{(IsRunning ? $" within {ReadyLimit.TotalSeconds:0} s" : "")}:\n{ReadFrom(log, logStart)}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static string ReadFrom(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
