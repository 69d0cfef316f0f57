using System.Net;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Startup;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

/// <summary>Reading a replicated kind's probes: which node is primary, and what keeps the set from being whole.</summary>
public class ReplicationCheckTests
{
    private static readonly Node A = Redis("redis-a", 1), B = Redis("redis-b", 2), W = Redis("redis-w", 3);

    private static Node Redis(string name, int site) =>
        new(name, NodeKind.Redis, name[^1..], IPAddress.Parse($"127.{site}.0.21"), [new NodePort("redis", 6379)]);

    private static (Node, NodeProbe) Primary(Node node, int linked) => (node, new NodeProbe(true, ServerRole.Primary, "") { LinkedReplicas = linked });

    private static (Node, NodeProbe) Replica(Node node, bool linked = true) => (node, new NodeProbe(linked, ServerRole.Replica, linked ? "link up" : "link down"));

    [Fact]
    public void One_primary_with_every_other_node_linked_is_whole()
    {
        IReadOnlyList<(Node, NodeProbe)> probes = [Replica(A), Primary(B, linked: 2), Replica(W)];

        Assert.Empty(ReplicationCheck.Problems(probes));
        Assert.Equal(B, ReplicationCheck.PrimaryOf(probes));
    }

    [Fact]
    public void A_primary_missing_a_replica_is_not_whole()
    {
        Assert.Equal(["redis-a is primary with 1 of 2 replicas linked"], ReplicationCheck.Problems([Primary(A, linked: 1), Replica(B), Replica(W)]));
    }

    [Fact]
    public void No_primary_or_two_primaries_are_not_whole()
    {
        Assert.Equal(["redis-b: no answer", "0 primaries among redis-a, redis-b"],
            ReplicationCheck.Problems([Replica(A), (B, NodeProbe.Down("no answer"))]));
        Assert.Null(ReplicationCheck.PrimaryOf([Replica(A), (B, NodeProbe.Down("no answer"))]));
        Assert.Equal(["2 primaries among redis-a, redis-b, redis-w"], ReplicationCheck.Problems([Primary(A, 1), Primary(B, 1), Replica(W)]));
    }

    [Fact]
    public void A_replica_whose_link_is_down_is_named()
    {
        Assert.Equal(["redis-w: link down", "redis-a is primary with 1 of 2 replicas linked"],
            ReplicationCheck.Problems([Primary(A, linked: 1), Replica(B), Replica(W, linked: false)]));
    }
}
