using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatelessApp.Bench.Host;

namespace StatelessApp.UnitTests.Shop.Bench;

/// <summary>The bench host's StateMode (the switch that left the shipped app).</summary>
public class StateModeTests
{
    [Theory]
    [InlineData("Stateful", StateMode.Stateful)]
    [InlineData("stateful", StateMode.Stateful)]
    [InlineData(" StockRedis ", StateMode.StockRedis)]
    public void The_setting_selects_the_mode(string setting, StateMode expected)
    {
        var builder = Builder(setting);

        Assert.Equal(expected, builder.AddStateMode());
        Assert.True(new StateModeOptionsValidator().Validate(null, new StateModeOptions { StateMode = setting }).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Stateless")]
    [InlineData("Sticky")]
    public void An_unset_or_unknown_mode_is_refused_naming_the_setting(string? setting)
    {
        var result = new StateModeOptionsValidator().Validate(null, new StateModeOptions { StateMode = setting });

        Assert.True(result.Failed);
        Assert.Equal($"StateMode must be one of Stateful, StockRedis (was '{setting}'); the stateless baseline is the shipped app (src/StatelessApp.Web), not this host", result.FailureMessage);
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

    [Theory]
    [InlineData("Stateful")]
    [InlineData("StockRedis")]
    public void Both_modes_register_the_stock_session(string setting)
    {
        var builder = Builder(setting);
        builder.AddStateMode();

        Assert.Contains(builder.Services, service => service.ServiceType == typeof(ISessionStore));
    }

    private static WebApplicationBuilder Builder(string? stateMode)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["StateMode"] = stateMode });
        return builder;
    }
}
