using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class BenchSettingsTests
{
    [Fact]
    public void Defaults_are_three_rounds_of_eight_seconds_after_a_three_second_warmup()
    {
        var settings = BenchSettings.Parse([])!;

        Assert.Equal(3, settings.Rounds);
        Assert.Equal(TimeSpan.FromSeconds(8), settings.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Warmup);
        Assert.Equal(Scenario.All, settings.Scenarios);
    }

    [Fact]
    public void Quick_is_one_short_round_and_later_arguments_still_win()
    {
        var settings = BenchSettings.Parse(["--duration", "5", "--quick"])!;

        Assert.True(settings.Quick);
        Assert.Equal(1, settings.Rounds);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Warmup);
    }

    [Fact]
    public void Replot_keeps_the_output_folder_it_redraws_from()
    {
        var settings = BenchSettings.Parse(["--replot", "--output", "elsewhere"])!;

        Assert.True(settings.Replot);
        Assert.Equal("elsewhere", settings.OutputFolder);
    }

    [Fact]
    public void Distance_measures_200_requests_a_cell_and_40_when_quick()
    {
        Assert.Equal(200, BenchSettings.Parse(["--distance"])!.DistanceRequests);
        Assert.Equal(40, BenchSettings.Parse(["--distance", "--quick"])!.DistanceRequests);
        Assert.Equal(90, BenchSettings.Parse(["--distance", "--quick", "--requests", "90"])!.DistanceRequests);
        Assert.True(BenchSettings.Parse(["--distance"])!.Distance);
        Assert.False(BenchSettings.Parse([])!.Distance);
    }

    [Theory]
    [InlineData("--distance", "--configurations", "stateless")]
    [InlineData("--distance", "--replot")]
    [InlineData("--requests", "50")]
    public void Distance_refuses_what_it_does_not_measure(params string[] args) =>
        Assert.Throws<ArgumentException>(() => BenchSettings.Parse(args));

    [Fact]
    public void Help_returns_no_settings() => Assert.Null(BenchSettings.Parse(["--rounds", "2", "-h"]));

    [Theory]
    [InlineData(new[] { "--rounds", "0" }, "--rounds must be a whole number from 1 to 20 (was '0')")]
    [InlineData(new[] { "--duration" }, "--duration needs a value")]
    [InlineData(new[] { "--fast" }, "unknown argument '--fast' (bench/run -h lists them)")]
    [InlineData(new[] { "--threads", "8", "--connections", "4" }, "--threads (8) cannot exceed --connections (4): wrk gives each thread at least one connection")]
    [InlineData(new[] { "--shoppers", "20" }, "--shoppers (20) must be at least twice --connections (16)")]
    [InlineData(new[] { "--scenarios", "floor,login" }, "--scenarios: unknown login (known: floor, catalogue, session-read, cart-change, checkout, sign-in-page, sign-in)")]
    [InlineData(new[] { "--scenarios", "checkout" }, "--scenarios: checkout sizes its cart pool from cart-change's rate, so it needs cart-change too")]
    [InlineData(new[] { "--configurations", "stateless,tls" }, "--configurations: unknown tls (known: stateless, stateful, stock-redis, plaintext, flood, telemetry-off)")]
    [InlineData(new[] { "--configurations", "plaintext" }, "--configurations: every ratio is stateless against another build, so it needs stateless")]
    public void Bad_arguments_are_named(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => BenchSettings.Parse(args)).Message);

    [Fact]
    public void A_scenario_subset_keeps_the_run_order()
    {
        var settings = BenchSettings.Parse(["--scenarios", "checkout,floor,cart-change"])!;

        Assert.Equal([Scenario.Floor, Scenario.CartChange, Scenario.Checkout], settings.Scenarios);
    }

    [Fact]
    public void A_configuration_subset_keeps_the_run_order_and_only_plaintext_runs_on_the_twin_stack()
    {
        var settings = BenchSettings.Parse(["--configurations", "plaintext,stateless"])!;

        Assert.Equal([BenchConfiguration.Stateless, BenchConfiguration.Plaintext], settings.Configurations);
        Assert.Equal([true, false], settings.Configurations.Select(c => c.Tls));
    }

    [Fact]
    public void The_flood_runs_alone_with_the_shipped_limits_and_every_compared_build_keeps_them_out_of_the_way()
    {
        var settings = BenchSettings.Parse(["--configurations", "flood"])!;

        Assert.Equal([BenchConfiguration.Flood], settings.Configurations);
        Assert.True(BenchConfiguration.Flood.ShippedLimits);
        Assert.False(BenchConfiguration.Flood.Compared);
        Assert.All(BenchConfiguration.All.Where(c => c.Compared), c => Assert.False(c.ShippedLimits));
    }
}
