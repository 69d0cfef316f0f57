using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>How one instance's turn in a rollout went: out of every proxy, stopped, started and back in its proxy.</summary>
/// <param name="Instance">The app instance.</param>
/// <param name="OutOfProxies">From SIGTERM until every proxy had taken it out of rotation; null where no proxy can tell (nginx), or it was not running.</param>
/// <param name="Stopped">From SIGTERM until the process had exited (in-flight requests finished).</param>
/// <param name="Ready">From its start until it was healthy, reported the release's version and was back in every proxy.</param>
/// <param name="Total">The whole turn.</param>
public sealed record InstanceRoll(Node Instance, TimeSpan? OutOfProxies, TimeSpan Stopped, TimeSpan Ready, TimeSpan Total);
