using System.Net;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.RateLimiting;

public sealed class RateLimitPartsTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void A_client_is_counted_by_its_IPv4_address_or_its_IPv6_64(string address, string partition) =>
        Assert.Equal(partition, ClientPartition.Of(IPAddress.Parse(address)));

    [Fact]
    public void A_window_is_aligned_on_the_epoch_and_Retry_After_is_its_end_in_whole_seconds()
    {
        var window = new FixedWindow(TimeSpan.FromSeconds(10), DateTimeOffset.FromUnixTimeMilliseconds(1_000_003_500));

        Assert.Equal(100_000, window.Index);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_000_010_000), window.End);
        Assert.Equal(7, window.RetryAfterSeconds);
        Assert.Equal(TimeSpan.FromMilliseconds(7_500), window.CounterLifetime);
    }

    [Theory]
    [InlineData(0, "00:00:10")]
    [InlineData(5, "00:00:00.500")]
    [InlineData(5, "2.00:00:00")]
    public void A_policy_needs_a_permit_and_a_window_of_whole_seconds_up_to_a_day(int permits, string window)
    {
        var failures = new List<string>();
        RateLimitPolicy.Validate("RateLimits:Client", new RateLimitPolicy { PermitLimit = permits, Window = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) }, failures);

        Assert.Single(failures);
        Assert.StartsWith("RateLimits:Client:", failures[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Alice@Example.com")]
    [InlineData("  ALICE@EXAMPLE.COM ")]
    [InlineData("alice@example.com")]
    public void Every_spelling_of_an_account_name_is_one_partition_and_none_shows_the_email(string spelling)
    {
        var partition = AccountPartition.Of(spelling);

        Assert.Equal(AccountPartition.Of("alice@example.com"), partition);
        Assert.Matches("^account-[0-9a-f]{32}$", partition);
        Assert.NotEqual(AccountPartition.Of("alice@example.org"), partition);
        Assert.Matches("^account-[0-9a-f]{32}$", AccountPartition.Of("\uD800lice@example.com")); // not Unicode: still counted
    }

    [Fact]
    public void The_sign_in_limits_are_validated_at_start_up_by_their_setting_names()
    {
        var options = new RateLimitOptions
        {
            SignInPerAccount = new RateLimitPolicy { PermitLimit = 0, Window = TimeSpan.FromMinutes(15) },
            SignInPerClient = new RateLimitPolicy { PermitLimit = 30, Window = TimeSpan.FromMilliseconds(1500) },
            SignInTimeout = TimeSpan.FromSeconds(6),
        };

        var result = new RateLimitOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, failure => failure.StartsWith("RateLimits:SignInPerAccount:PermitLimit", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("RateLimits:SignInPerClient:Window", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("RateLimits:SignInTimeout", StringComparison.Ordinal));
        Assert.True(new RateLimitOptionsValidator().Validate(null, new RateLimitOptions()).Succeeded); // the shipped defaults
    }

    [Theory]
    [InlineData(-0.1, 20_000, "RateLimits:LocalShare")]
    [InlineData(1.5, 20_000, "RateLimits:LocalShare")]
    [InlineData(double.NaN, 20_000, "RateLimits:LocalShare")]
    [InlineData(0.5, 10, "RateLimits:TallyCapacity")]
    public void The_tally_s_share_and_capacity_are_validated_at_start_up(double share, int capacity, string setting)
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { LocalShare = share, TallyCapacity = capacity });

        Assert.StartsWith(setting, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_use_is_read_from_INFO_memory()
    {
        var info = RedisMemoryInfo.Parse("# Memory\r\nused_memory:838860\r\nused_memory_human:819.20K\r\nmaxmemory:1048576\r\nmaxmemory_policy:noeviction\r\n");

        Assert.Equal(838860, info.UsedBytes);
        Assert.Equal(1048576, info.MaxBytes);
        Assert.Equal(0.8, info.UsedFraction!.Value, precision: 3);
        Assert.Null(RedisMemoryInfo.Parse("used_memory:5\r\nmaxmemory:0\r\n").UsedFraction);
    }
}
