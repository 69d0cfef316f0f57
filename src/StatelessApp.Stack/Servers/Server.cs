using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// One kind of server: how to prepare a node's folder, the command line and environment to start it with, how to
/// tell that it is healthy (and in which role), and which processes outlive its process group.
/// </summary>
public abstract class Server
{
    public abstract NodeKind Kind { get; }

    /// <summary>Creates the node's data folder and writable config copies; must be idempotent (runs on every start).</summary>
    public virtual void Prepare(Node node, StackContext context) => Directory.CreateDirectory(context.Paths.DataOf(node.Name));

    public abstract LaunchSpec Launch(Node node, StackContext context);

    public abstract Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken);

    /// <summary>Processes that belong to the node but left its process group (Patroni's postmaster runs in its own session).</summary>
    public virtual IReadOnlyCollection<int> Companions(Node node, StackContext context) => [];

    /// <summary>How long a graceful stop may take before SIGKILL.</summary>
    public virtual TimeSpan StopGrace => TimeSpan.FromSeconds(10);
}
