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
    [InlineData(".StatelessApp.Session")]     // no prefix: a subdomain or a plain-HTTP page could plant it
    [InlineData("__Secure-StatelessApp.Session")]
    [InlineData("__host-StatelessApp.Session")]
    [InlineData("__Host-")]
    public void CookieName_must_be_a_Host_prefixed_cookie_token(string cookieName)
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

    [Fact]
    public void Defaults_require_one_replica_within_500_ms()
    {
        var options = new RedisSessionOptions();

        Assert.Equal(1, options.RequiredReplicas);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReplicaAckTimeout);
    }

    [Theory]
    [InlineData(-1, "00:00:00.500", "Sessions:RequiredReplicas must be 0")]
    [InlineData(1, "00:00:00", "Sessions:ReplicaAckTimeout must be positive")]
    [InlineData(1, "00:00:11", "Sessions:ReplicaAckTimeout must be positive and at most 00:00:10")]
    public void Replica_confirmation_settings_are_checked(int replicas, string timeout, string expected)
    {
        var result = _validator.Validate(null, new RedisSessionOptions
        {
            RequiredReplicas = replicas,
            ReplicaAckTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_is_irrelevant_when_no_replica_is_required() =>
        Assert.True(_validator.Validate(null, new RedisSessionOptions { RequiredReplicas = 0, ReplicaAckTimeout = TimeSpan.Zero }).Succeeded);

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(1, "00:00:00.500")]
    public void IOTimeout_must_be_positive_and_outlast_the_replica_confirmation(int replicas, string ioTimeout)
    {
        var result = _validator.Validate(null, new RedisSessionOptions
        {
            RequiredReplicas = replicas,
            IOTimeout = TimeSpan.Parse(ioTimeout, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains("Sessions:IOTimeout must be positive and longer than Sessions:ReplicaAckTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:03")]
    [InlineData("00:00:05")]
    public void LocalReadTimeout_must_be_positive_and_leave_time_for_the_primary(string localReadTimeout)
    {
        var result = _validator.Validate(null, new RedisSessionOptions
        {
            IOTimeout = TimeSpan.FromSeconds(3),
            LocalReadTimeout = TimeSpan.Parse(localReadTimeout, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains("Sessions:LocalReadTimeout must be positive and shorter than Sessions:IOTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Versioned_cookies_are_off_by_default_so_a_release_before_this_one_can_still_read_every_cookie() =>
        Assert.False(new RedisSessionOptions().VersionedCookies);
}
