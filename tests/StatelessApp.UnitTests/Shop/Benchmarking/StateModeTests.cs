using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatelessApp.Web.Benchmarking;

namespace StatelessApp.UnitTests.Shop.Benchmarking;

public class StateModeTests
{
    [Theory]
    [InlineData(null, StateMode.Stateless)]
    [InlineData("", StateMode.Stateless)]
    [InlineData("Stateless", StateMode.Stateless)]
    [InlineData("stateful", StateMode.Stateful)]
    [InlineData("StockRedis", StateMode.StockRedis)]
    public void The_setting_selects_the_mode_and_defaults_to_the_shipped_app(string? setting, StateMode expected)
    {
        var builder = Builder(setting);

        Assert.Equal(expected, builder.AddStateMode());
        Assert.True(new StateModeOptionsValidator().Validate(null, new StateModeOptions { StateMode = setting }).Succeeded);
    }

    [Theory]
    [InlineData("Sticky")]
    [InlineData("1")]
    public void An_unknown_mode_is_refused_naming_the_setting(string setting)
    {
        var result = new StateModeOptionsValidator().Validate(null, new StateModeOptions { StateMode = setting });

        Assert.True(result.Failed);
        Assert.Equal($"StateMode must be one of Stateless, Stateful, StockRedis (was '{setting}'); leave it unset for the app as shipped (Stateless)", result.FailureMessage);
    }

    [Fact]
    public void An_unknown_mode_stops_the_start()
    {
        var builder = Builder("Sticky");
        builder.AddStateMode();
        using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<StateModeOptions>>().Value);
        Assert.Contains("StateMode must be one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_benchmark_modes_register_the_stock_session()
    {
        Assert.False(IsRegistered<ISessionStore>(Builder(null)));
        Assert.True(IsRegistered<ISessionStore>(Builder("Stateful")));
        Assert.True(IsRegistered<ISessionStore>(Builder("StockRedis")));
    }

    private static bool IsRegistered<T>(WebApplicationBuilder builder)
    {
        builder.AddStateMode();
        return builder.Services.Any(service => service.ServiceType == typeof(T));
    }

    private static WebApplicationBuilder Builder(string? stateMode)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["StateMode"] = stateMode });
        return builder;
    }
}
