using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.Redis;

public sealed class LocalRedisNodesTests
{
    private const string Stack = "127.1.0.21:6379=a,127.2.0.21:6379=b,127.3.0.21:6379=w";

    [Theory]
    [InlineData("a", "127.1.0.21")]
    [InlineData("b", "127.2.0.21")]
    public void An_instance_reads_from_the_node_of_its_own_region(string region, string host)
    {
        Assert.Equal([(host, 6379)], LocalRedisNodes.Choose(Stack, region));
    }

    [Fact]
    public void Every_node_of_the_region_in_the_settings_order_and_the_default_port_when_none_is_given()
    {
        Assert.Equal([("redis-b2", 6379), ("redis-b1", 6380)], LocalRedisNodes.Choose("redis-a=a,Redis-B2=b,redis-b1:6380=b", "b"));
    }

    [Theory]
    [InlineData(Stack, "c")] // no node in the instance's region
    [InlineData(Stack, "A")] // regions compare exactly, as Database:NodeRegions' do
    [InlineData(Stack, "")] // Instance:Region unset
    [InlineData(null, "a")] // Redis:NodeRegions unset
    [InlineData("", "a")]
    public void No_local_node_means_no_local_connection(string? nodeRegions, string region)
    {
        Assert.Empty(LocalRedisNodes.Choose(nodeRegions, region));
    }
}
