using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Startup;

/// <summary>Reads the probes of one replicated kind's nodes (Redis, PostgreSQL): which is primary, and whether the set is whole.</summary>
public static class ReplicationCheck
{
    /// <summary>The node whose probe says primary (the first, should there be two during a failover); null when none does.</summary>
    public static Node? PrimaryOf(IEnumerable<(Node Node, NodeProbe Probe)> probes) =>
        probes.Where(p => p.Probe.IsPrimary).Select(p => p.Node).FirstOrDefault();

    /// <summary>
    /// What keeps these nodes from being a whole replicated set: a node not healthy, not exactly one primary, or a
    /// primary with fewer linked replicas than the other nodes. Empty when whole.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<(Node Node, NodeProbe Probe)> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var problems = probes.Where(p => !p.Probe.Healthy).Select(p => $"{p.Node.Name}: {p.Probe.Detail}").ToList();
        var primaries = probes.Where(p => p.Probe.IsPrimary).ToList();
        if (primaries.Count != 1)
        {
            problems.Add($"{primaries.Count} primaries among {string.Join(", ", probes.Select(p => p.Node.Name))}");
        }
        else if (primaries[0].Probe.LinkedReplicas != probes.Count - 1)
        {
            problems.Add($"{primaries[0].Node.Name} is primary with {primaries[0].Probe.LinkedReplicas} of {probes.Count - 1} replicas linked");
        }

        return problems;
    }
}
