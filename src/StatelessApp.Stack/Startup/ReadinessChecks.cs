using System.Globalization;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Startup;

/// <summary>
/// The readiness checks of `up` that ask more than one node's probe: each returns what is still missing (empty when
/// ready), so that a step that times out says why.
/// </summary>
public static class ReadinessChecks
{
    /// <summary>Sentinels that do not yet know every replica and every other Sentinel.</summary>
    public static async Task<IReadOnlyList<string>> SentinelsNotKnowingEveryoneAsync(IReadOnlyList<Node> sentinels, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var replicas = context.Topology.NodesOf(NodeKind.Redis).Count - 1;
        var knowledge = await Task.WhenAll(sentinels.Select(s => SentinelServer.KnowledgeAsync(s, context, cancellationToken)));
        return [.. sentinels.Zip(knowledge)
            .Where(k => k.Second is not { } known || known.Replicas < replicas || known.OtherSentinels != sentinels.Count - 1)
            .Select(k => $"{k.First.Name} knows {Known(k.Second?.Replicas)} of {replicas} replicas and {Known(k.Second?.OtherSentinels)} of {sentinels.Count - 1} other sentinels")];
    }

    /// <summary>Proxies whose /health/ready does not answer with a success (no ready app behind them yet).</summary>
    public static async Task<IReadOnlyList<string>> ProxiesNotRoutingAsync(IReadOnlyList<Node> proxies, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var routes = await Task.WhenAll(proxies.Select(async proxy =>
        {
            try
            {
                using var response = await context.Http.GetAsync(new Uri($"{context.HttpScheme}://{proxy.Endpoint}/health/ready"), cancellationToken);
                return response.IsSuccessStatusCode ? null : $"{proxy.Name}: /health/ready {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return $"{proxy.Name}: {e.Message}";
            }
        }));
        return [.. routes.OfType<string>()];
    }

    /// <summary>
    /// Proxies that do not route to their own region's instances (X-Served-By "region/…" on 4 probes in a row): the app
    /// probes can say "ready" before the proxies' health checks (2 successes, 500 ms apart) have taken them back, and until
    /// then a proxy sends everything to the other region's instances, its backups.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProxiesNotServingTheirRegionAsync(IReadOnlyList<Node> proxies, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proxies);
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>();
        foreach (var proxy in proxies)
        {
            for (var i = 0; i < 4; i++)
            {
                try
                {
                    using var response = await context.Http.GetAsync(new Uri($"{context.HttpScheme}://{proxy.Endpoint}/health/ready"), cancellationToken);
                    var servedBy = response.Headers.TryGetValues("X-Served-By", out var values) ? values.First() : "";
                    if (!servedBy.StartsWith(proxy.Region + "/", StringComparison.Ordinal))
                    {
                        problems.Add($"{proxy.Name} routed to '{servedBy}' ({(int)response.StatusCode})");
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    problems.Add($"{proxy.Name}: {e.Message}");
                    break;
                }
            }
        }

        return problems;
    }

    /// <summary>Proxies whose address a DNS server does not (yet) give for the domain, or DNS servers that do not answer.</summary>
    public static async Task<IReadOnlyList<string>> ProxiesMissingFromDnsAsync(IReadOnlyList<Node> dns, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var topology = context.Topology;
        var problems = new List<string>();
        foreach (var server in dns)
        {
            var answers = await DnsServer.ResolveAsync(server, topology.Domain, cancellationToken);
            problems.AddRange(answers is null
                ? [$"{server.Name}: no answer"]
                : topology.NodesOf(NodeKind.Proxy).Where(p => !answers.Contains(p.Address)).Select(p => $"{server.Name}: {topology.Domain} lacks {p.Name} ({p.Address})"));
        }

        return problems;
    }

    private static string Known(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
