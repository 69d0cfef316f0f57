using System.Globalization;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// <see cref="ReplicatedDatabaseOptions.NodeRegions"/> read against the connection string's Host list:
/// <c>"host[:port]=region,…"</c>, one entry per host. A host without a port means the connection string's Port
/// (5432 by default), as Npgsql reads it; host names compare case-insensitively.
/// </summary>
internal static class NodeRegions
{
    /// <summary>
    /// The region of each host of <paramref name="hosts"/> (in its order), or null for every one when
    /// <paramref name="setting"/> is empty. Problems are added to <paramref name="failures"/>, naming <paramref name="settingName"/>.
    /// </summary>
    public static IReadOnlyList<string?> Resolve(
        string? setting, IReadOnlyList<string> hosts, int defaultPort, string settingName, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return hosts.Select(_ => (string?)null).ToList();
        }

        var regionOf = Parse(setting, defaultPort, settingName, failures);
        var resolved = new List<string?>();
        var known = new HashSet<(string, int)>();
        foreach (var host in hosts)
        {
            var endpoint = Endpoint(host, defaultPort);
            if (endpoint is { } e && regionOf.TryGetValue(e, out var region))
            {
                known.Add(e);
                resolved.Add(region);
            }
            else
            {
                failures.Add($"{settingName} gives no region for host {host} of the connection string: give every host one, or none (reads then ignore regions)");
                resolved.Add(null);
            }
        }

        foreach (var extra in regionOf.Keys.Where(endpoint => !known.Contains(endpoint)))
        {
            failures.Add($"{settingName} names {extra.Host}:{extra.Port}, which is not a host of the connection string");
        }

        return resolved;
    }

    /// <summary>
    /// Every <c>host[:port]=region</c> entry of <paramref name="setting"/>, keyed by (lower-case host, port); a host
    /// without a port gets <paramref name="defaultPort"/>. Malformed and repeated entries are left out and added to
    /// <paramref name="failures"/>, naming <paramref name="settingName"/>. Also read for Redis:NodeRegions.
    /// </summary>
    internal static Dictionary<(string Host, int Port), string> Parse(
        string setting, int defaultPort, string settingName, List<string> failures)
    {
        var regionOf = new Dictionary<(string Host, int Port), string>();
        foreach (var entry in setting.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = entry.LastIndexOf('=');
            var region = equals < 0 ? "" : entry[(equals + 1)..].Trim();
            if (equals <= 0 || !IsRegionName(region) || Endpoint(entry[..equals].Trim(), defaultPort) is not { } endpoint)
            {
                failures.Add($"{settingName}: \"{entry}\" is not host[:port]=region (e.g. \"node-a:{defaultPort}=a,node-b:{defaultPort}=b\"; region: letters, digits, '-', '_', '.')");
                continue;
            }

            if (!regionOf.TryAdd(endpoint, region))
            {
                failures.Add($"{settingName} names {endpoint.Host}:{endpoint.Port} twice");
            }
        }

        return regionOf;
    }

    /// <summary>"host", "host:port" or "[v6]:port", normalised to (lower-case host, port); null when malformed.</summary>
    private static (string Host, int Port)? Endpoint(string text, int defaultPort)
    {
        var host = text;
        var port = defaultPort;
        var colon = text.LastIndexOf(':');
        // A bare IPv6 address has colons but no port; "[::1]:5432" and "name:5432" have one.
        if (colon > 0 && (text.IndexOf(':') == colon || text[colon - 1] == ']'))
        {
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return null;
            }

            host = text[..colon];
        }

        host = host.Trim('[', ']');
        return host.Length == 0 || host.Any(char.IsWhiteSpace) ? null : (host.ToLowerInvariant(), port);
    }

    private static bool IsRegionName(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
