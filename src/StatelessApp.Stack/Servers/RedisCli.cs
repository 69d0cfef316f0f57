using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Runs one redis-cli command against a Redis node or a Sentinel as the ACL user <c>admin</c>: over TLS checked against
/// the stack's CA when the stack runs with TLS, the password in REDISCLI_AUTH, never on the command line.
/// </summary>
public static class RedisCli
{
    /// <summary>The command's output, or null when the node did not answer within a second.</summary>
    public static async Task<string?> RunAsync(StackContext context, Node node, IEnumerable<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(node);
        var address = node.Address.ToString();
        var port = node.Port;
        var password = context.Secrets.RedisAdminPassword;
        var connection = new List<string> { "-h", address, "-p", port.ToString(CultureInfo.InvariantCulture), "--user", RedisUsers.Admin, "--no-auth-warning" };
        if (context.Tls)
        {
            connection.AddRange(["--tls", "--cacert", context.Certificates.CaCertificateFile]);
        }

        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in connection.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REDISCLI_AUTH"] = password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run redis-cli");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return null;
        }

        var text = await output;
        // Unreachable or refused (wrong password, loading): the caller only wants answers it can parse.
        return process.ExitCode != 0 || text.StartsWith("Could not connect", StringComparison.Ordinal) || text.StartsWith("NOAUTH", StringComparison.Ordinal)
            || text.StartsWith("ERR", StringComparison.Ordinal) || text.StartsWith("WRONGPASS", StringComparison.Ordinal) || text.StartsWith("LOADING", StringComparison.Ordinal)
            ? null
            : text;
    }

    /// <summary>Parses "key:value" lines (INFO output).</summary>
    public static IReadOnlyDictionary<string, string> ParseInfo(string info) =>
        info.Split('\n', StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(':', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => (Key: line[..line.IndexOf(':', StringComparison.Ordinal)], Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>Parses redis-cli's raw output of a flat reply (alternating key and value lines, e.g. SENTINEL MASTER).</summary>
    public static IReadOnlyDictionary<string, string> ParsePairs(string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.TrimEntries);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            pairs.TryAdd(lines[i], lines[i + 1]);
        }

        return pairs;
    }
}
