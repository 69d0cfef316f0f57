using StackExchange.Redis;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.Redis;

/// <summary>Reading how many replicas a primary lists from its ROLE answer.</summary>
public sealed class OnlineReplicasTests
{
    [Fact]
    public void A_primary_lists_each_online_replica()
    {
        var role = Array(Bulk("master"), RedisResult.Create(3129659L),
            Array(Array(Bulk("127.2.0.21"), Bulk("6379"), Bulk("3129242")), Array(Bulk("127.3.0.21"), Bulk("6379"), Bulk("3129543"))));

        Assert.Equal(2, ReplicaAcknowledgement.OnlineReplicas(role));
    }

    [Fact]
    public void A_primary_without_replicas_lists_none() =>
        Assert.Equal(0, ReplicaAcknowledgement.OnlineReplicas(Array(Bulk("master"), RedisResult.Create(0L), Array())));

    [Fact]
    public void A_replica_answering_role_counts_no_replicas() =>
        Assert.Equal(0, ReplicaAcknowledgement.OnlineReplicas(
            Array(Bulk("slave"), Bulk("127.1.0.21"), RedisResult.Create(6379L), Bulk("connected"), RedisResult.Create(3129659L))));

    private static RedisResult Bulk(string value) => RedisResult.Create((RedisValue)value);

    private static RedisResult Array(params RedisResult[] items) => RedisResult.Create(items);
}
