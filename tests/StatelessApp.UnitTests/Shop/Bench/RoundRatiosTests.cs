using System.Text.Json;
using System.Text.Json.Serialization;
using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class RoundRatiosTests
{
    /// <summary>Per-round ratios 0.8, 1.5 and 0.5 (median 0.8); the medians' ratio is 95 / 100 = 0.95.</summary>
    private static readonly Measurement[] ThreeRoundsWhoseRatioOfMediansIsNotTheirMedianRatio =
    [
        Run("stateless", round: 1, requestsPerSecond: 80), Run("stateful", round: 1, requestsPerSecond: 100),
        Run("stateless", round: 2, requestsPerSecond: 150), Run("stateful", round: 2, requestsPerSecond: 100),
        Run("stateless", round: 3, requestsPerSecond: 95), Run("stateful", round: 3, requestsPerSecond: 190),
    ];

    [Fact]
    public void Each_round_is_divided_by_the_baseline_of_the_same_round_and_the_median_is_of_those_ratios()
    {
        var rounds = ThreeRoundsWhoseRatioOfMediansIsNotTheirMedianRatio;

        var series = Assert.Single(RoundRatios.Of(rounds, BenchConfiguration.Stateful));

        Assert.Equal(("session-read", "stateless", "stateful"), (series.Scenario, series.Configuration, series.Baseline));
        Assert.Equal([new RoundRatio(1, 0.8), new RoundRatio(2, 1.5), new RoundRatio(3, 0.5)], series.Throughput);
        // The median of the rounds' ratios, not the ratio of the medians (95 / 100).
        Assert.Equal(0.8, series.ThroughputMedian, 9);
    }

    [Fact]
    public void The_reports_throughput_ratio_and_its_target_use_the_same_per_round_median_as_the_plot()
    {
        var rounds = ThreeRoundsWhoseRatioOfMediansIsNotTheirMedianRatio;
        var machine = new MachineSnapshot(DateTimeOffset.UnixEpoch, "0 0 0", 2, "cpu", "1 kB", "os", "kernel", "runtime", []);
        var report = new BenchReport(BenchSettings.Parse([])!, machine, machine, RoundSummary.MediansOf(rounds), rounds);

        var ratio = Assert.Single(report.Ratios);

        // 0.8 = the median of 0.8, 1.5 and 0.5 (the plot's); the ratio of the medians would say 0.95.
        Assert.Equal(0.8, ratio.Throughput, 9);
        Assert.Contains(report.Targets, target => target.Target.StartsWith("session-read: stateless throughput", StringComparison.Ordinal) && !target.Met);
    }

    [Fact]
    public void Cpu_predicted_ratio_is_the_baselines_cpu_per_request_over_the_configurations()
    {
        var rounds = new[]
        {
            Run("stateless", round: 1, cpuPerRequest: 0.5), Run("stateful", round: 1, cpuPerRequest: 0.4),
        };

        var series = Assert.Single(RoundRatios.Of(rounds, BenchConfiguration.Stateful));

        Assert.Equal(0.8, Assert.Single(series.CpuPredicted).Value, 9);
        Assert.Equal(0.8, series.CpuPredictedMedian, 9);
    }

    [Fact]
    public void A_round_without_its_baseline_is_left_out_and_the_baseline_gets_no_series_of_its_own()
    {
        var rounds = new[]
        {
            Run("stateless", round: 1, requestsPerSecond: 50), Run("stateful", round: 1, requestsPerSecond: 100),
            Run("stateless", round: 2, requestsPerSecond: 999),
            Run("stock-redis", round: 1, requestsPerSecond: 120),
            Run("stateful", round: 2, requestsPerSecond: 100, scenario: "floor"),
        };

        var series = RoundRatios.Of(rounds, BenchConfiguration.Stateful);

        Assert.DoesNotContain(series, s => s.Configuration == "stateful");
        Assert.Equal([new RoundRatio(1, 0.5)], series.Single(s => s.Configuration == "stateless").Throughput);
        Assert.Equal([new RoundRatio(1, 1.2)], series.Single(s => s.Configuration == "stock-redis").Throughput);
    }

    [Fact]
    public async Task Replotting_adds_the_ratios_and_the_target_to_results_written_without_them()
    {
        var folder = Directory.CreateTempSubdirectory("bench-replot-");
        try
        {
            var results = Path.Combine(folder.FullName, "results.json");
            var rounds = new[] { Run("stateless", round: 1, requestsPerSecond: 90), Run("stateful", round: 1, requestsPerSecond: 100) };
            await File.WriteAllTextAsync(results, JsonSerializer.Serialize(new { Settings = new { Rounds = 1 }, Rounds = rounds }, Web));

            await ResultFiles.RefreshRoundRatiosAsync(results, CancellationToken.None);

            using var written = JsonDocument.Parse(await File.ReadAllTextAsync(results));
            var series = Assert.Single(written.RootElement.GetProperty("roundRatios").EnumerateArray());
            Assert.Equal(0.9, series.GetProperty("throughputMedian").GetDouble(), 9);
            Assert.Equal(RoundRatios.Target, written.RootElement.GetProperty("ratioTarget").GetDouble());
            Assert.Equal(1, written.RootElement.GetProperty("settings").GetProperty("rounds").GetInt32());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static Measurement Run(string configuration, int round, double requestsPerSecond = 100, double cpuPerRequest = 1, string scenario = "session-read") =>
        MeasurementFixtures.Measured(requests: 1000, requestsPerSecond: requestsPerSecond, round: round) with
        {
            Configuration = configuration,
            Scenario = scenario,
            CpuMillisecondsPerRequest = new Dictionary<string, double> { ["app"] = cpuPerRequest },
        };
}
