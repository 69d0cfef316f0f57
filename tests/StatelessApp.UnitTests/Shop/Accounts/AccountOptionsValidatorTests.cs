using System.Globalization;
using StatelessApp.Web.Accounts;

namespace StatelessApp.UnitTests.Shop.Accounts;

public sealed class AccountOptionsValidatorTests
{
    private readonly AccountOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.True(_validator.Validate(null, new AccountOptions()).Succeeded);

    [Theory]
    [InlineData(2)]
    [InlineData(21)]
    [InlineData(0)]
    public void Failed_attempts_outside_3_to_20_are_refused_naming_the_setting(int attempts)
    {
        var result = _validator.Validate(null, new AccountOptions { MaxFailedAccessAttempts = attempts });

        Assert.True(result.Failed);
        Assert.Contains("Accounts:MaxFailedAccessAttempts must be between", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:59", "Accounts:LockoutDuration")]
    [InlineData("1.00:00:01", "Accounts:LockoutDuration")]
    [InlineData("00:59:59", "Accounts:SavedCartLifetime")]
    [InlineData("400.00:00:01", "Accounts:SavedCartLifetime")]
    public void Durations_out_of_range_are_refused_naming_the_setting(string value, string setting)
    {
        var duration = TimeSpan.Parse(value, CultureInfo.InvariantCulture);
        var options = setting.EndsWith("LockoutDuration", StringComparison.Ordinal)
            ? new AccountOptions { LockoutDuration = duration }
            : new AccountOptions { SavedCartLifetime = duration };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"{setting} must be between", result.FailureMessage, StringComparison.Ordinal);
    }
}
