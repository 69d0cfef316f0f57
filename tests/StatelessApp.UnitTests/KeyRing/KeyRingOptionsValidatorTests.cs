using StatelessApp.Hosting.KeyRing;

namespace StatelessApp.UnitTests.KeyRing;

public sealed class KeyRingOptionsValidatorTests
{
    private readonly KeyRingOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_one_explicit_name_and_key()
    {
        var defaults = new KeyRingOptions();

        Assert.Equal("StatelessApp", defaults.ApplicationName);
        Assert.Equal("StatelessApp:DataProtection-Keys", defaults.RedisKey);
        Assert.True(_validator.Validate(null, defaults).Succeeded);
    }

    [Fact]
    public void Empty_name_and_key_fail_naming_both_settings()
    {
        var result = _validator.Validate(null, new KeyRingOptions { ApplicationName = "", RedisKey = " " });

        Assert.Contains("KeyRing:ApplicationName must be set", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KeyRing:RedisKey must be set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "00:00:00.500", "KeyRing:RequiredReplicas must be 0")]
    [InlineData(1, "-00:00:01", "KeyRing:ReplicaAckTimeout must be positive")]
    public void Replica_confirmation_settings_are_checked(int replicas, string timeout, string expected)
    {
        var result = new KeyRingOptionsValidator().Validate(null, new KeyRingOptions
        {
            RequiredReplicas = replicas,
            ReplicaAckTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
