using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Distance;

/// <summary>
/// The failure detectors' timings that depend on the distance between the sites (etcd's heartbeat and election
/// timeout), as deploy/lib/failure-timeouts.sh derives them from the topology's round trips: the rule lives in that
/// script alone, which the compose files' generator runs too (docs/latency.md, "Timeouts at distance").
/// </summary>
public sealed class FailureTimeouts
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(10);

    private FailureTimeouts(IReadOnlyDictionary<string, string> variables) => Variables = variables;

    /// <summary>The derived values as the servers' environment variables (ETCD_HEARTBEAT_INTERVAL=…, in ms).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>Runs the script for <paramref name="distances"/>.</summary>
    /// <exception cref="StackException">The script refused the round trips (its message names the key) or failed.</exception>
    public static FailureTimeouts Derive(string deploy, SiteDistances distances)
    {
        ArgumentNullException.ThrowIfNull(distances);
        // Blocking: the value is needed where servers' launch specs are built, which is synchronous; the script takes milliseconds.
        var result = CommandRunner.RunAsync("bash", [Path.Combine(deploy, "lib", "failure-timeouts.sh")], ScriptLimit, distances.AsTopologyKeys())
            .GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new StackException($"failure timeouts: {result.Output.Trim()}");
        }

        return new FailureTimeouts(result.Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal));
    }
}
