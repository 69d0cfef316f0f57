using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace StatelessApp.Stack.Processes;

/// <summary>Lists listening TCP and bound UDP sockets with `ss -ltunp`, to name whoever holds a port the stack needs.</summary>
public static partial class PortScanner
{
    [GeneratedRegex("""users:\(\("(?<name>[^"]+)",pid=(?<pid>\d+)""")]
    private static partial Regex UsersPattern();

    public static IReadOnlyList<PortHolder> Listening()
    {
        var start = new ProcessStartInfo("ss", ["-H", "-l", "-t", "-u", "-n", "-p"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run ss");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return Parse(output);
    }

    /// <summary>Parses `ss -H -ltunp` lines: "tcp LISTEN 0 4096 127.1.0.10:8080 0.0.0.0:* users:(("haproxy",pid=12,fd=6))".</summary>
    public static IReadOnlyList<PortHolder> Parse(string ssOutput)
    {
        var holders = new List<PortHolder>();
        foreach (var line in ssOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 5)
            {
                continue;
            }

            var local = columns[4];
            var colon = local.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(local[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            var address = local[..colon].Trim('[', ']');
            var percent = address.IndexOf('%', StringComparison.Ordinal);
            if (percent >= 0)
            {
                address = address[..percent];
            }

            var users = UsersPattern().Match(line);
            holders.Add(new PortHolder(
                columns[0],
                address,
                port,
                users.Success ? users.Groups["name"].Value : null,
                users.Success ? int.Parse(users.Groups["pid"].Value, CultureInfo.InvariantCulture) : null));
        }

        return holders;
    }

    /// <summary>The holder that stops us binding address:port/protocol: the same address or a wildcard one.</summary>
    public static PortHolder? HolderOf(IEnumerable<PortHolder> holders, IPAddress address, int port, string protocol) =>
        holders.FirstOrDefault(h =>
            h.Port == port
            && h.Protocol == protocol
            && (h.LocalAddress is "*" or "0.0.0.0" or "::" || (IPAddress.TryParse(h.LocalAddress, out var bound) && bound.Equals(address))));
}
