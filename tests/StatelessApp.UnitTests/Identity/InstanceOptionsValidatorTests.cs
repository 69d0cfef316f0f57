using StatelessApp.Hosting.Identity;

namespace StatelessApp.UnitTests.Identity;

public class InstanceOptionsValidatorTests
{
    private readonly InstanceOptionsValidator _validator = new();

    [Fact]
    public void Region_and_name_given_is_valid()
    {
        var result = _validator.Validate(null, new InstanceOptions { Region = "a", Name = "app-1" });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("", "app-1", "Instance:Region is required")]
    [InlineData("  ", "app-1", "Instance:Region is required")]
    [InlineData("a", "", "Instance:Name is required")]
    public void Missing_setting_is_named(string region, string name, string expected)
    {
        var result = _validator.Validate(null, new InstanceOptions { Region = region, Name = name });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_missing_reports_both()
    {
        var result = _validator.Validate(null, new InstanceOptions());

        Assert.Equal(2, result.Failures!.Count());
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a\r\nX-Evil: 1")]
    [InlineData("a/b")]
    public void Values_that_would_corrupt_the_header_or_log_prefix_are_refused(string name)
    {
        var result = _validator.Validate(null, new InstanceOptions { Region = "a", Name = name });

        Assert.True(result.Failed);
        Assert.Contains("Instance:Name may contain only", result.FailureMessage, StringComparison.Ordinal);
    }
}
