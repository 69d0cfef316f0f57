using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.Redis;

public sealed class RedisRegionOptionsValidatorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("127.1.0.21:6379=a,127.2.0.21:6379=b,127.3.0.21:6379=w")]
    [InlineData("redis-a=a")]
    public void Unset_or_every_entry_host_port_region_is_valid(string? nodeRegions)
    {
        var result = new RedisRegionOptionsValidator().Validate(null, new RedisRegionOptions { NodeRegions = nodeRegions });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("", "Redis:NodeRegions is empty")]
    [InlineData("  ", "Redis:NodeRegions is empty")]
    [InlineData("127.1.0.21:6379=a,127.2.0.21:6379", "Redis:NodeRegions: \"127.2.0.21:6379\" is not host[:port]=region")]
    [InlineData("127.1.0.21:6379=a b", "Redis:NodeRegions: \"127.1.0.21:6379=a b\" is not host[:port]=region")]
    [InlineData("127.1.0.21:0=a", "Redis:NodeRegions: \"127.1.0.21:0=a\" is not host[:port]=region")]
    [InlineData("127.1.0.21=a,127.1.0.21:6379=b", "Redis:NodeRegions names 127.1.0.21:6379 twice")]
    public void A_bad_setting_fails_start_up_naming_it(string nodeRegions, string expected)
    {
        var result = new RedisRegionOptionsValidator().Validate(null, new RedisRegionOptions { NodeRegions = nodeRegions });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
