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
}
