using System.Globalization;
using System.Text.RegularExpressions;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// Whether the proxies send to an app instance, as the proxies themselves see it: HAProxy's exporter reports each
/// server's state (haproxy_server_status). nginx has no active checks and no such view: it finds a stopped instance by a
/// refused connection and retries elsewhere (proxy_next_upstream), so for nginx nothing is reported missing.
/// </summary>
public static partial class ProxyRotation
{
    /// <summary>HAProxy's server name for <paramref name="app"/> in <paramref name="proxy"/>'s backend (deploy/haproxy/haproxy.cfg): local1, remote2, …</summary>
    public static string ServerName(Node proxy, Node app)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(app);
        return (app.Region == proxy.Region ? "local" : "remote") + app.Ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The state (UP, DOWN, MAINT, DRAIN, NOLB) of every server of the apps backend in an exporter's text.</summary>
    public static IReadOnlyDictionary<string, string> ServerStates(string metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return StatusLine().Matches(metrics)
            .Where(m => m.Groups["value"].Value == "1")
            .GroupBy(m => m.Groups["server"].Value)
            .ToDictionary(g => g.Key, g => g.First().Groups["state"].Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The running proxies whose view of <paramref name="app"/> is not yet <paramref name="inRotation"/> (empty when
    /// every one agrees, and always with nginx). A proxy that does not answer counts as not agreeing.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DisagreeingAsync(Node app, bool inRotation, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProxyKind != ProxyKind.Haproxy)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var proxy in context.Topology.NodesOf(NodeKind.Proxy).Where(context.Runs))
        {
            var name = ServerName(proxy, app);
            try
            {
                var metrics = await context.Http.GetStringAsync(new Uri($"http://{proxy.Address}:{ProxyServer.MetricsPort(proxy).ToString(CultureInfo.InvariantCulture)}/metrics"), cancellationToken);
                var state = ServerStates(metrics).GetValueOrDefault(name, "?");
                if ((state == "UP") != inRotation)
                {
                    problems.Add($"{proxy.Name} has {app.Name} ({name}) {state}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"{proxy.Name}: {e.Message}");
            }
        }

        return problems;
    }

    [GeneratedRegex("""^haproxy_server_status\{proxy="apps",server="(?<server>[^"]+)",state="(?<state>[A-Z]+)"\} (?<value>\d+)""", RegexOptions.Multiline)]
    private static partial Regex StatusLine();
}
