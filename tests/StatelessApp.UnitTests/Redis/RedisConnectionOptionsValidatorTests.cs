using StatelessApp.Hosting.Redis;

namespace StatelessApp.UnitTests.Redis;

public sealed class RedisConnectionOptionsValidatorTests
{
    private readonly RedisConnectionOptionsValidator _validator = new();

    [Theory]
    [InlineData(null, "ConnectionStrings:Redis is required")]
    [InlineData("  ", "ConnectionStrings:Redis is required")]
    [InlineData("password=only", "ConnectionStrings:Redis names no Redis endpoint")]
    [InlineData("127.0.0.1:6379,password=s3cret,bogus=1", "ConnectionStrings:Redis is not a valid StackExchange.Redis configuration string")]
    public void Invalid_strings_fail_naming_the_setting(string? connectionString, string expected)
    {
        var result = _validator.Validate(null, new RedisConnectionOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,password=x")]
    [InlineData("127.1.0.22:26379,127.2.0.22:26379,127.3.0.22:26379,serviceName=stateless,password=x")]
    public void Direct_and_Sentinel_strings_are_valid(string connectionString) =>
        Assert.True(_validator.Validate(null, new RedisConnectionOptions { ConnectionString = connectionString }).Succeeded);

    [Fact]
    public void Message_names_the_configured_setting()
    {
        var result = _validator.Validate(null, new RedisConnectionOptions { SettingName = "ConnectionStrings:Cache" });

        Assert.Contains("ConnectionStrings:Cache is required", result.FailureMessage, StringComparison.Ordinal);
    }
}
