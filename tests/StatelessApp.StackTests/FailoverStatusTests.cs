using StatelessApp.Stack;
using StatelessApp.Stack.Cli;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;

namespace StatelessApp.StackTests;

/// <summary>`stack status` names the primaries the servers themselves report, before and after the Redis primary dies.</summary>
[Collection(StackTestGroup.Name)]
public class FailoverStatusTests(StackFixture stack)
{
    [Fact]
    public async Task Status_reports_the_primaries_and_follows_a_Redis_failover()
    {
        var before = await stack.Controller.StatusAsync();
        var redisPrimary = SinglePrimary(before, NodeKind.Redis);
        var postgresPrimary = SinglePrimary(before, NodeKind.Postgres);
        Assert.Equal(redisPrimary.Endpoint, await SentinelsAnswerAsync());
        Assert.Contains($"Redis primary:      {redisPrimary.Name}", StatusTable.Format(before), StringComparison.Ordinal);
        Assert.Contains($"PostgreSQL primary: {postgresPrimary.Name}", StatusTable.Format(before), StringComparison.Ordinal);

        // The other region's node is promoted; the witness node is a replica too, but never a candidate.
        var replica = stack.Topology.NodeOf(NodeKind.Redis, StackTopology.OtherRegion(redisPrimary.Region));
        Assert.Single(stack.Controller.Kill(redisPrimary.Name));
        try
        {
            // Sentinel: down after 1 s, then the vote and the promotion (about 2-3 s measured).
            var after = await Poll.UntilAsync($"{replica.Name} to be promoted", async cancellationToken => await stack.Controller.StatusAsync(cancellationToken),
                status => IsPrimary(status, replica), TimeSpan.FromSeconds(15), interval: TimeSpan.FromMilliseconds(250));

            Assert.Equal(replica, SinglePrimary(after, NodeKind.Redis));
            Assert.Equal("stopped", after.Single(s => s.Node == redisPrimary).Health);
            // The node answers as primary as soon as it is told to; the Sentinels record the switch a moment later.
            await Poll.UntilAsync($"every Sentinel to name {replica.Endpoint}", _ => SentinelsAnswerAsync(), answer => answer == replica.Endpoint,
                TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(200));
            Assert.Contains($"Redis primary:      {replica.Name}", StatusTable.Format(after), StringComparison.Ordinal);
            Assert.Equal(postgresPrimary, SinglePrimary(after, NodeKind.Postgres));
        }
        finally
        {
            // The old primary comes back and Sentinel turns it into a replica: the stack is whole again for other tests.
            await stack.Controller.StartAsync(redisPrimary.Name);
            await stack.Controller.WaitForReplicationAsync(NodeKind.Redis);
        }
    }

    private static bool IsPrimary(IReadOnlyList<NodeStatus> status, Node node) =>
        status.Single(s => s.Node == node) is { Probe: { Healthy: true, IsPrimary: true } };

    private static Node SinglePrimary(IReadOnlyList<NodeStatus> status, NodeKind kind) =>
        Assert.Single(status, s => s.Node.Kind == kind && s.Probe is { Healthy: true, IsPrimary: true }).Node;

    /// <summary>What the Sentinels (not our probe) say the primary is: their one answer, or "disagree: a, b" while they differ.</summary>
    private async Task<string> SentinelsAnswerAsync()
    {
        var answers = new List<string>();
        foreach (var sentinel in stack.Topology.NodesOf(NodeKind.Sentinel))
        {
            answers.Add(await SentinelServer.NamedPrimaryAsync(sentinel, stack.Controller.Context, CancellationToken.None) ?? "no answer");
        }

        var distinct = answers.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : "disagree: " + string.Join(", ", distinct);
    }
}
