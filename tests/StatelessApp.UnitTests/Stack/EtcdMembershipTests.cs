using StatelessApp.Stack.Servers;

namespace StatelessApp.UnitTests.Stack;

public class EtcdMembershipTests
{
    // `etcdctl member list -w simple` of etcd 3.4: id, status, name, peer URLs, client URLs, is learner.
    private const string Members = """
        1a2b3c4d5e6f7081, started, etcd-a, https://127.1.0.31:2380, https://127.1.0.31:2379, false
        8e9e05c52164694d, started, etcd-b, https://127.2.0.31:2380, https://127.2.0.31:2379, false
        fd422379fda50e48, unstarted, , https://127.3.0.31:2380, , false
        """;

    [Fact]
    public void A_member_is_found_by_its_name()
    {
        Assert.Equal("8e9e05c52164694d", EtcdMembership.IdOf(Members, "etcd-b", "https://127.2.0.31:2380"));
    }

    [Fact]
    public void A_member_added_but_never_started_is_found_by_its_peer_url()
    {
        Assert.Equal("fd422379fda50e48", EtcdMembership.IdOf(Members, "etcd-w", "https://127.3.0.31:2380"));
    }

    [Fact]
    public void A_member_the_cluster_no_longer_lists_has_no_id()
    {
        Assert.Null(EtcdMembership.IdOf(Members, "etcd-c", "https://127.4.0.31:2380"));
    }
}
