using System.Net;

namespace StatelessApp.Stack.Topology;

/// <summary>
/// The proxies' limits per client address (EDGE_* in deploy/topology.env), the first line before the app's own limits:
/// <paramref name="RequestRate"/> requests a second sustained, <paramref name="RequestBurst"/> more at once,
/// <paramref name="Connections"/> open at once; none for clients in <paramref name="Exempt"/>.
/// </summary>
public sealed record EdgeLimits(int RequestRate, int RequestBurst, int Connections, IPNetwork Exempt);
