namespace StatelessApp.Stack.Topology;

/// <summary>One port a node listens on. <paramref name="Purpose"/> names it in messages ("client", "peer", "rest").</summary>
public sealed record NodePort(string Purpose, int Number, bool IsUdp = false)
{
    public string Protocol => IsUdp ? "udp" : "tcp";
}
