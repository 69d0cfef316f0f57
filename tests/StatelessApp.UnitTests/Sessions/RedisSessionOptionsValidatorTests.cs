using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Sessions;

public sealed class RedisSessionOptionsValidatorTests
{
    private readonly RedisSessionOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.True(_validator.Validate(null, new RedisSessionOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("00:00:00.500")]
    public void IdleTimeout_must_be_at_least_a_second(string idleTimeout)
    {
        var result = _validator.Validate(null, new RedisSessionOptions { IdleTimeout = TimeSpan.Parse(idleTimeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Sessions:IdleTimeout must be positive", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("semi;colon")]
    [InlineData("equals=sign")]
    [InlineData("ünïcode")]
    public void CookieName_must_be_a_cookie_token(string cookieName)
    {
        var result = _validator.Validate(null, new RedisSessionOptions { CookieName = cookieName });

        Assert.True(result.Failed);
        Assert.Contains("Sessions:CookieName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyPrefix_and_MaxSizeBytes_are_checked_and_all_failures_are_reported_together()
    {
        var result = _validator.Validate(null, new RedisSessionOptions { KeyPrefix = "", MaxSizeBytes = 0 });

        Assert.Contains("Sessions:KeyPrefix must be set", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Sessions:MaxSizeBytes must be positive", result.FailureMessage, StringComparison.Ordinal);
    }
}
