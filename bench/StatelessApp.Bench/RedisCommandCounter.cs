using System.Globalization;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Bench;

/// <summary>
/// Redis commands counted on the primary (<c>INFO commandstats</c>, calls per command), not timed. Commands that the
/// servers send on their own whatever the load (Sentinel's PING/INFO/PUBLISH, replication's REPLCONF, the health
/// probes' PING, this counter's own INFO) are kept apart as background, so the request's own commands stand alone.
/// </summary>
public static class RedisCommandCounter
{
    private static readonly string[] BackgroundCommands = ["ping", "echo", "info", "replconf", "publish", "subscribe", "psubscribe", "unsubscribe", "hello", "auth", "role", "select"];

    private static readonly string[] BackgroundFamilies = ["client|", "config|", "cluster|", "command|", "sentinel|"];

    public static bool IsBackground(string command) =>
        BackgroundCommands.Contains(command) || BackgroundFamilies.Any(family => command.StartsWith(family, StringComparison.Ordinal));

    /// <summary>Calls per command so far on the current primary.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> SnapshotAsync(SystemUnderTest stack, CancellationToken cancellationToken)
    {
        var primary = await stack.PrimaryAsync(NodeKind.Redis, cancellationToken);
        var info = await RedisCli.RunAsync(stack.Context, primary, ["INFO", "commandstats"], cancellationToken)
            ?? throw new InvalidOperationException($"INFO commandstats: no answer from {primary.Name}");
        return Parse(info);
    }

    /// <summary>"cmdstat_getex:calls=12,usec=..." lines → getex: 12.</summary>
    public static IReadOnlyDictionary<string, long> Parse(string info)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in RedisCli.ParseInfo(info).Where(kv => kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal)))
        {
            var field = value.Split(',').FirstOrDefault(f => f.StartsWith("calls=", StringComparison.Ordinal));
            if (field is not null && long.TryParse(field["calls=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                calls[key["cmdstat_".Length..]] = count;
            }
        }

        return calls;
    }

    /// <summary>Calls made between two snapshots, per command, without the commands that did not change.</summary>
    public static IReadOnlyDictionary<string, long> Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Select(kv => (Command: kv.Key, Calls: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(x => x.Calls > 0)
            .OrderBy(x => x.Command, StringComparer.Ordinal)
            .ToDictionary(x => x.Command, x => x.Calls, StringComparer.Ordinal);
}
