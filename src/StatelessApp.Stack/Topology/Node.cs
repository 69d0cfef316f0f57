using System.Net;

namespace StatelessApp.Stack.Topology;

/// <summary>
/// One process of the stack: a server bound to its own loopback address.
/// <see cref="Ports"/>[0] is the service port; others are side ports (etcd peers, Patroni's REST API).
/// </summary>
public sealed record Node(string Name, NodeKind Kind, string Region, IPAddress Address, IReadOnlyList<NodePort> Ports)
{
    /// <summary>The service port (what clients connect to).</summary>
    public int Port => Ports[0].Number;

    /// <summary>"address:port" of the service port.</summary>
    public string Endpoint => $"{Address}:{Port}";

    /// <summary>The number of this node among its kind in its region, starting at 1 (app-1, app-2).</summary>
    public int Ordinal { get; init; } = 1;

    public override string ToString() => $"{Name} ({Kind}, region {Region}, {Endpoint})";
}
