using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class FloodMeasurementTests
{
    private static readonly MachineSnapshot Machine = new(DateTimeOffset.UnixEpoch, "0 0 0", 2, "cpu", "1 kB", "os", "kernel", "runtime", []);

    [Fact]
    public void The_ratio_is_the_flooded_p99_over_the_unloaded_and_the_targets_say_whether_it_and_the_failures_are_within()
    {
        var flood = Flood(unloadedP99: 40, floodedP99: 100, failures: 1);
        var report = new BenchReport(BenchSettings.Parse(["--configurations", "flood"])!, Machine, Machine, [], []) { Flood = flood };

        Assert.Equal(2.5, flood.P99Ratio, 9);
        Assert.Contains(report.Targets, t => t.Target.StartsWith("flood: other shoppers' p99", StringComparison.Ordinal) && t.Measured == "2.50x" && !t.Met);
        Assert.Contains(report.Targets, t => t.Target == "flood: 0 of the other shoppers' requests failed" && t.Measured == "1 of 300" && !t.Met);
        Assert.Contains(report.Targets, t => t.Target.StartsWith("flood: Redis", StringComparison.Ordinal) && t.Met);
        Assert.Empty(report.ComparedConfigurations);
    }

    [Fact]
    public void The_printed_table_has_both_phases_the_ratio_and_the_floods_answers_by_limit()
    {
        var text = FloodTable.Render(Flood(unloadedP99: 40, floodedP99: 60, failures: 0));

        Assert.Contains("p99 flood / p99 unloaded: 1.50 (target <= 2)", text, StringComparison.Ordinal);
        Assert.Contains("200: 30, 429 with Retry-After: 970", text, StringComparison.Ordinal);
        Assert.Contains("429s by limit: client: 70, edge: 900", text, StringComparison.Ordinal);
        Assert.Contains("of maxmemory 256 MB (80 samples, 1 unanswered within 1 s)", text, StringComparison.Ordinal);
    }

    private static FloodMeasurement Flood(double unloadedP99, double floodedP99, int failures) => new(
        8, TimeSpan.FromSeconds(1),
        new FloodPhase("unloaded", 20, 150, 10, unloadedP99, unloadedP99, 0),
        new FloodPhase("flood", 20, 150, 12, floodedP99, floodedP99, failures),
        16, 200_000, 20,
        new Dictionary<string, int> { ["200"] = 30, ["429 with Retry-After"] = 970 },
        new Dictionary<string, int> { ["edge"] = 900, ["client"] = 70 },
        2 * 1048576, 3 * 1048576, 256 * 1048576, 80, 1,
        failures == 0 ? [] : ["127.124.1.1: 503"]);
}
