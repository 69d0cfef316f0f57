using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatelessApp.Web.Accounts;

namespace StatelessApp.UnitTests.Shop.Accounts;

public sealed class PasswordWorkFactorTests
{
    [Theory]
    [InlineData(99_999)]   // under Identity's own default
    [InlineData(1_000_001)] // a sign-in would cost over half a second of a core
    public void Accounts_PasswordIterations_outside_100k_to_1M_is_refused_naming_the_setting(int iterations)
    {
        var result = new AccountOptionsValidator().Validate(null, new AccountOptions { PasswordIterations = iterations });

        Assert.True(result.Failed);
        Assert.Contains("Accounts:PasswordIterations must be between 100000 and 1000000", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_setting_is_the_hashers_iteration_count_in_V3_format()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Accounts:PasswordIterations"] = "123456" }).Build());
        services.AddAccounts();
        using var provider = services.BuildServiceProvider();

        var hasher = provider.GetRequiredService<IOptions<PasswordHasherOptions>>().Value;

        Assert.Equal(123_456, hasher.IterationCount);
        Assert.Equal(PasswordHasherCompatibilityMode.IdentityV3, hasher.CompatibilityMode);
        Assert.Equal(210_000, new AccountOptions().PasswordIterations);
        Assert.True(new AccountOptionsValidator().Validate(null, new AccountOptions()).Succeeded);
    }
}
