using StatelessApp.Stack;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Stacks;

/// <summary>Finding the primary a test is about to act on.</summary>
public static class StackPrimaries
{
    /// <summary>
    /// The primary of <paramref name="kind"/> (Redis or PostgreSQL), probed until one answers as primary: on a busy machine
    /// one round of probes can time out although the stack is healthy (the probes wait about a second each).
    /// </summary>
    public static async Task<Node> AnsweringPrimaryAsync(this StackController controller, NodeKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return (await Poll.UntilAsync($"a {kind} primary to answer its probe", ct => controller.PrimaryAsync(kind, ct),
            primary => primary is not null, TimeSpan.FromSeconds(30), cancellationToken: cancellationToken))!;
    }
}
