using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.TestKit.Stacks;

/// <summary>A stack that a test broke (a node or a region killed) made whole again, as `up` left it.</summary>
public static class StackRestore
{
    /// <summary>Starts whatever is stopped and waits until the whole stack is as after `up` (every node healthy, one
    /// PostgreSQL primary with its standby streaming, one Redis primary with its replicas linked) and each proxy serves
    /// its own region again.</summary>
    public static async Task RestoreAsync(this StackController controller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(controller);
        await controller.StartAsync("all", cancellationToken);
        await controller.WaitUntilAsync("the stack as `up` left it", controller.Topology.Nodes, async ct =>
        {
            var problems = await controller.ProblemsAsync(ct);
            return problems.Count > 0 ? problems : await ProxiesNotServingTheirRegionAsync(controller, ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Each proxy must route to its own region's instances again (they are only its backups' backups otherwise): the
    /// app probes can say "ready" before the proxies' health checks (2 successes, 500 ms apart) have taken them back.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ProxiesNotServingTheirRegionAsync(StackController controller, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var proxy in controller.Topology.NodesOf(NodeKind.Proxy))
        {
            for (var i = 0; i < 4; i++)
            {
                try
                {
                    using var response = await controller.Context.Http.GetAsync(new Uri($"{controller.Context.HttpScheme}://{proxy.Endpoint}/health/ready"), cancellationToken);
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
}
