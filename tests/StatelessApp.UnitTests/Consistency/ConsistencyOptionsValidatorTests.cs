using StatelessApp.Hosting.Consistency;

namespace StatelessApp.UnitTests.Consistency;

public sealed class ConsistencyOptionsValidatorTests
{
    private static readonly ConsistencyOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(Validator.Validate(null, new ConsistencyOptions()).Succeeded);

    [Theory]
    [InlineData("MaxWait", "-00:00:00.001", "Consistency:MaxWait must be between 00:00:00 and 00:00:05")]
    [InlineData("MaxWait", "00:00:06", "Consistency:MaxWait must be between 00:00:00 and 00:00:05")]
    [InlineData("PositionCacheTime", "00:00:00", "Consistency:PositionCacheTime must be positive")]
    [InlineData("ProbeInterval", "00:00:00.001", "Consistency:ProbeInterval must be between")]
    [InlineData("MaxStandbyLag", "00:00:00", "Consistency:MaxStandbyLag must be positive")]
    [InlineData("ProbeTimeout", "00:00:00", "Consistency:ProbeTimeout must be positive")]
    [InlineData("ProbeTimeout", "00:00:31", "Consistency:ProbeTimeout must be positive and at most 00:00:30")]
    public void A_bad_setting_is_named(string setting, string value, string expected)
    {
        var options = new ConsistencyOptions();
        typeof(ConsistencyOptions).GetProperty(setting)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_user_claim_is_named()
    {
        var result = Validator.Validate(null, new ConsistencyOptions { UserIdClaim = " " });
        Assert.Contains("Consistency:UserIdClaim must name a claim type", result.FailureMessage, StringComparison.Ordinal);
    }
}
