using System.Globalization;
using StatelessApp.Web.Shop;

namespace StatelessApp.UnitTests.Shop;

public sealed class ShopperCookieOptionsValidatorTests
{
    private readonly ShopperCookieOptionsValidator _validator = new();

    [Fact]
    public void Default_is_an_absolute_30_days() =>
        Assert.Equal((true, TimeSpan.FromDays(30)), (_validator.Validate(null, new ShopperCookieOptions()).Succeeded, new ShopperCookieOptions().Lifetime));

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:59:59")]
    [InlineData("400.00:00:01")] // past what browsers keep a cookie
    [InlineData("-1.00:00:00")]
    public void Lifetime_outside_an_hour_to_400_days_is_refused_naming_the_setting(string lifetime)
    {
        var result = _validator.Validate(null, new ShopperCookieOptions { Lifetime = TimeSpan.Parse(lifetime, CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Shopper:Lifetime must be between", result.FailureMessage, StringComparison.Ordinal);
    }
}
