using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.Redis;

public sealed class RedisConfigurationTests
{
    [Fact]
    public void Unset_timeouts_get_fast_fail_defaults_and_the_app_never_aborts_on_connect()
    {
        var options = RedisConfiguration.Create("127.0.0.1:6379,abortConnect=true");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(2000, options.ConnectTimeout);
        Assert.Equal(1000, options.SyncTimeout);
        Assert.Equal(1000, options.AsyncTimeout);
    }

    [Fact]
    public void Timeouts_in_the_string_win()
    {
        var options = RedisConfiguration.Create("127.0.0.1:6379,connectTimeout=5000,syncTimeout=3000,AsyncTimeout=4000");

        Assert.Equal(5000, options.ConnectTimeout);
        Assert.Equal(3000, options.SyncTimeout);
        Assert.Equal(4000, options.AsyncTimeout);
    }

    [Fact]
    public void Sentinel_string_keeps_its_service_name_and_all_sentinels()
    {
        var options = RedisConfiguration.Create("127.1.0.22:26379,127.2.0.22:26379,serviceName=stateless,password=x");

        Assert.Equal("stateless", options.ServiceName);
        Assert.Equal(2, options.EndPoints.Count);
        Assert.Equal("x", options.Password);
    }

    [Fact]
    public void The_client_never_sends_CONFIG_or_CLUSTER_unless_the_string_maps_commands_itself()
    {
        var options = RedisConfiguration.Create("127.0.0.1:6379,user=app,password=x,ssl=true");
        var mapped = RedisConfiguration.Create("127.0.0.1:6379,$INFO=,password=x");

        // The options' string form lists the commands the map leaves out as "$NAME=".
        Assert.Contains("$CONFIG=", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("$CLUSTER=", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$INFO=", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("$INFO=", mapped.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$CONFIG=", mapped.ToString(), StringComparison.Ordinal);
    }
}
