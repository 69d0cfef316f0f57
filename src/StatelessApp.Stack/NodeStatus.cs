using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack;

/// <summary>One row of `stack status`: the node, its pid when running, and what its probe found.</summary>
public sealed record NodeStatus(Node Node, int? Pid, NodeProbe Probe)
{
    public bool IsRunning => Pid is not null;

    public string Health => !IsRunning ? (Probe.Healthy ? "foreign" : "stopped") : Probe.Healthy ? "healthy" : "unhealthy";
}
