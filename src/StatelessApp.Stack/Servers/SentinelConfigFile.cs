using System.Globalization;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// What a Sentinel's own config file says about a monitored primary. Sentinel rewrites the file at every failover
/// (<c>sentinel monitor NAME IP PORT QUORUM</c> and <c>sentinel config-epoch NAME EPOCH</c>), so while no Sentinel runs
/// the files still tell which node was promoted last: the one in the file with the highest epoch.
/// </summary>
public static class SentinelConfigFile
{
    /// <summary>The monitored primary ("ip:port") and the config epoch, or null when the file does not monitor it.</summary>
    public static (string Primary, long Epoch)? ReadPrimary(IEnumerable<string> lines, string masterName)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string? primary = null;
        long epoch = 0;
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["sentinel", "monitor", var name, var host, var port, _] && name == masterName)
            {
                primary = $"{host}:{port}";
            }
            else if (words is ["sentinel", "config-epoch", var epochName, var value] && epochName == masterName
                     && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                epoch = parsed;
            }
        }

        return primary is null ? null : (primary, epoch);
    }

    /// <summary>The primary named by the file with the highest epoch among <paramref name="files"/> (missing ones skipped).</summary>
    public static string? LatestPrimary(IEnumerable<string> files, string masterName) =>
        files.Where(File.Exists)
            .Select(file => ReadPrimary(File.ReadLines(file), masterName))
            .OfType<(string Primary, long Epoch)>()
            .OrderByDescending(entry => entry.Epoch)
            .Select(entry => entry.Primary)
            .FirstOrDefault();
}
