using StatelessApp.TestKit.Statistics;

namespace StatelessApp.Bench;

/// <summary>
/// What the plot draws: each configuration's throughput relative to the stateful baseline measured in the same round
/// (the configurations of one round run minutes apart, rounds much further apart, so pairing by round keeps the
/// machine's drifting load out of the ratio), and the same from the servers' CPU per request.
/// </summary>
public static class RoundRatios
{
    /// <summary>The target: stateless at least 0.90x the stateful build's throughput.</summary>
    public const double Target = 0.90;

    public static IReadOnlyList<RoundRatioSeries> Of(IReadOnlyList<Measurement> rounds, BenchConfiguration baseline)
    {
        var baselines = rounds
            .Where(m => m.Configuration == baseline.Name)
            .ToDictionary(m => (m.Scenario, m.Round));
        return
        [
            .. from scenario in Scenario.All
               from configuration in BenchConfiguration.All
               where configuration != baseline
               let pairs = (from m in rounds
                            where m.Configuration == configuration.Name && m.Scenario == scenario.Name
                            orderby m.Round
                            let b = baselines.GetValueOrDefault((scenario.Name, m.Round))
                            where b is not null
                            select (Mine: m, Baseline: b)).ToList()
               where pairs.Count > 0
               let throughput = pairs.Select(p => new RoundRatio(p.Mine.Round, p.Mine.RequestsPerSecond / p.Baseline.RequestsPerSecond)).ToList()
               let cpu = pairs.Select(p => new RoundRatio(p.Mine.Round, p.Baseline.ServerCpuMillisecondsPerRequest / p.Mine.ServerCpuMillisecondsPerRequest)).ToList()
               select new RoundRatioSeries(scenario.Name, configuration.Name, baseline.Name,
                   throughput, Percentiles.Median(throughput.Select(r => r.Value)),
                   cpu, Percentiles.Median(cpu.Select(r => r.Value))),
        ];
    }
}

/// <summary>
/// One configuration against the baseline in one scenario: every round's ratio and their median. Throughput is
/// configuration over baseline (above 1 is faster); CpuPredicted is the baseline's server CPU per request over the
/// configuration's (the throughput ratio to expect where CPU runs out).
/// </summary>
public sealed record RoundRatioSeries(string Scenario, string Configuration, string Baseline,
    IReadOnlyList<RoundRatio> Throughput, double ThroughputMedian,
    IReadOnlyList<RoundRatio> CpuPredicted, double CpuPredictedMedian);

public sealed record RoundRatio(int Round, double Value);
