using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>The order a rollout takes the app instances in.</summary>
public static class RolloutOrder
{
    /// <summary>
    /// Region by region, the region that does NOT hold the PostgreSQL primary first, then the other; within a region by
    /// ordinal. Why: the first instances are the new version's canaries, and the primary's region carries the writes'
    /// shortest path; should the new version fail there, that region still serves on the old one, and the standby
    /// region's proxy falls back to it. With no primary known, region a first.
    /// </summary>
    public static IReadOnlyList<Node> For(StackTopology topology, string? primaryRegion)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return [.. topology.NodesOf(NodeKind.App)
            .OrderBy(n => n.Region == primaryRegion)
            .ThenBy(n => n.Region, StringComparer.Ordinal)
            .ThenBy(n => n.Ordinal)];
    }
}
