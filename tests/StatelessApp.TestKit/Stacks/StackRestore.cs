using StatelessApp.Stack;
using StatelessApp.Stack.Startup;
using StatelessApp.Stack.Topology;

namespace StatelessApp.TestKit.Stacks;

/// <summary>A stack that a test broke (a node or a region killed) made whole again, as `up` left it.</summary>
public static class StackRestore
{
    /// <summary>Starts whatever is stopped and waits until the whole stack is as after `up` (every node healthy, one
    /// PostgreSQL primary with its standby streaming, one Redis primary with its replicas linked) and each proxy serves
    /// its own region again (ReadinessChecks.ProxiesNotServingTheirRegionAsync).</summary>
    public static async Task RestoreAsync(this StackController controller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(controller);
        await controller.StartAsync("all", cancellationToken);
        await controller.WaitUntilAsync("the stack as `up` left it", controller.Topology.Nodes, async ct =>
        {
            var problems = await controller.ProblemsAsync(ct);
            return problems.Count > 0 ? problems : await ReadinessChecks.ProxiesNotServingTheirRegionAsync(controller.Topology.NodesOf(NodeKind.Proxy), controller.Context, ct);
        }, cancellationToken);
    }
}
