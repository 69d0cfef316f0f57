using System.Diagnostics;
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
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(deploy, "lib", "failure-timeouts.sh") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in distances.AsTopologyKeys())
        {
            start.Environment[key] = value;
        }

        using var script = Process.Start(start) ?? throw new StackException("failure timeouts: could not start bash");
        var errors = script.StandardError.ReadToEndAsync();
        var output = script.StandardOutput.ReadToEnd();
        if (!script.WaitForExit(ScriptLimit))
        {
            script.Kill();
            throw new StackException($"failure timeouts: deploy/lib/failure-timeouts.sh did not finish within {ScriptLimit.TotalSeconds:0} s");
        }

        if (script.ExitCode != 0)
        {
            throw new StackException($"failure timeouts: {errors.Result.Trim()}");
        }

        return new FailureTimeouts(output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal));
    }
}
