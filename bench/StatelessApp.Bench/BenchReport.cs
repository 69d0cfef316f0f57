using System.Globalization;

namespace StatelessApp.Bench;

/// <summary>
/// Everything one run produced: settings, the machine before and after, every round's measurements and their medians
/// (<see cref="Measurements"/>, what the tables, ratios and targets use).
/// </summary>
public sealed record BenchReport(BenchSettings Settings, MachineSnapshot Before, MachineSnapshot After, IReadOnlyList<Measurement> Measurements,
    IReadOnlyList<Measurement> Rounds)
{
    /// <summary>
    /// Stateless (1) against each other configuration, per scenario. Throughput and CPU capacity are the medians of the
    /// per-round ratios (<see cref="RoundRatios"/>, what the plot draws): each round is divided by the other build's run
    /// of the same round, so the machine's drift between rounds stays out. p50 and p99 are ratios of the medians.
    /// </summary>
    public IReadOnlyList<Ratio> Ratios =>
    [
        .. from other in BenchConfiguration.All.Skip(1)
           from paired in RoundRatios.Of(Rounds, other)
           where paired.Configuration == BenchConfiguration.Stateless.Name
           let scenario = Scenario.All.Single(s => s.Name == paired.Scenario)
           let mine = Find(BenchConfiguration.Stateless, scenario)
           let theirs = Find(other, scenario)
           where mine is not null && theirs is not null
           select new Ratio(scenario.Name, other.Name, paired.ThroughputMedian,
               mine.P50Milliseconds / theirs.P50Milliseconds, mine.P99Milliseconds / theirs.P99Milliseconds,
               paired.CpuPredictedMedian),
    ];

    /// <summary>The flood configuration's figures, when it was measured.</summary>
    public FloodMeasurement? Flood { get; init; }

    /// <summary>The configurations measured besides stateless, each with its number in the tables (its place in <see cref="BenchConfiguration.All"/>).</summary>
    public IReadOnlyList<(BenchConfiguration Configuration, int Number)> ComparedConfigurations =>
    [
        .. BenchConfiguration.All.Select((c, i) => (Configuration: c, Number: i + 1))
            .Where(c => c.Configuration != BenchConfiguration.Stateless && c.Configuration.Compared && Settings.Configurations.Contains(c.Configuration)),
    ];

    /// <summary>Stateless against <paramref name="other"/> in <paramref name="scenario"/>, if both were measured.</summary>
    public Ratio? RatioOf(Scenario scenario, BenchConfiguration other) =>
        Ratios.FirstOrDefault(r => r.Scenario == scenario.Name && r.Versus == other.Name);

    /// <summary>The targets, each with what was measured.</summary>
    public IReadOnlyList<TargetCheck> Targets
    {
        get
        {
            var checks = new List<TargetCheck>();
            foreach (var ratio in Ratios.Where(r => r.Versus == BenchConfiguration.Stateful.Name && Scenario.All.Single(s => s.Name == r.Scenario).TouchesSession))
            {
                checks.Add(new TargetCheck(Invariant($"{ratio.Scenario}: stateless throughput >= {RoundRatios.Target:0.00}x stateful"), Invariant($"{ratio.Throughput:0.00}x"), ratio.Throughput >= RoundRatios.Target));
                checks.Add(new TargetCheck($"{ratio.Scenario}: the same, from server CPU per request (load-independent)", Invariant($"{ratio.CpuCapacity:0.00}x"), ratio.CpuCapacity >= RoundRatios.Target));
            }

            foreach (var ratio in Ratios.Where(r => r.Versus == BenchConfiguration.Plaintext.Name))
            {
                checks.Add(new TargetCheck(Invariant($"{ratio.Scenario}: throughput with TLS >= {TlsTarget:0.00}x plaintext"), Invariant($"{ratio.Throughput:0.00}x"), ratio.Throughput >= TlsTarget));
            }

            foreach (var ratio in Ratios.Where(r => r.Versus == BenchConfiguration.TelemetryOff.Name))
            {
                checks.Add(new TargetCheck(Invariant($"{ratio.Scenario}: throughput with telemetry >= {TelemetryTarget:0.00}x telemetry off"), Invariant($"{ratio.Throughput:0.00}x"), ratio.Throughput >= TelemetryTarget));
            }

            if (Find(BenchConfiguration.Stateless, Scenario.SessionRead) is { } read)
            {
                checks.Add(new TargetCheck("session-read: 1 Redis round trip per request", Invariant($"{read.RedisCommandsPerRequest:0.00}"), Math.Abs(read.RedisCommandsPerRequest - 1) < 0.02));
            }

            if (Find(BenchConfiguration.Stateless, Scenario.Floor) is { } floor)
            {
                checks.Add(new TargetCheck("floor: 0 Redis round trips per request", Invariant($"{floor.RedisCommandsPerRequest:0.00}"), floor.RedisCommandsPerRequest < 0.01));
            }

            if (Find(BenchConfiguration.Stateless, Scenario.Catalogue) is { } catalogue)
            {
                checks.Add(new TargetCheck("catalogue: >= 95% of statements on the standby", Invariant($"{catalogue.StandbyShare:0.0%}"), catalogue.StandbyShare >= 0.95));
            }

            if (Flood is { } flood)
            {
                checks.Add(new TargetCheck(Invariant($"flood: other shoppers' p99 while one client floods <= {FloodMeasurement.P99Target:0}x unloaded"), Invariant($"{flood.P99Ratio:0.00}x"), flood.P99Ratio <= FloodMeasurement.P99Target));
                checks.Add(new TargetCheck("flood: 0 of the other shoppers' requests failed", Invariant($"{flood.Unloaded.Failures + flood.Flooded.Failures} of {flood.Unloaded.Requests + flood.Flooded.Requests}"), flood.Unloaded.Failures + flood.Flooded.Failures == 0));
                checks.Add(new TargetCheck("flood: Redis used_memory stays under maxmemory", Invariant($"peak {flood.RedisUsedMemoryPeakFlooded / 1048576.0:0.0} of {flood.RedisMaxMemory / 1048576.0:0} MB"), flood.RedisUsedMemoryPeakFlooded < flood.RedisMaxMemory));
            }

            return checks;
        }
    }

    /// <summary>The security issue's aim: TLS on every link costs at most 10 % of the throughput, connections reused.</summary>
    public const double TlsTarget = 0.90;

    /// <summary>The observability issue's aim: telemetry (OpenTelemetry, /metrics, request rates) costs at most 5 % of the throughput.</summary>
    public const double TelemetryTarget = 0.95;

    public Measurement? Find(BenchConfiguration configuration, Scenario scenario) =>
        Measurements.FirstOrDefault(m => m.Configuration == configuration.Name && m.Scenario == scenario.Name);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Stateless divided by <see cref="Versus"/>: throughput above 1 and latencies below 1 favour stateless.
/// <see cref="CpuCapacity"/> is the throughput ratio that the servers' CPU per request predicts for a machine where
/// CPU is the limit (their CPU per request over stateless's): it does not move with the machine's other load.
/// </summary>
public sealed record Ratio(string Scenario, string Versus, double Throughput, double P50, double P99, double CpuCapacity);

public sealed record TargetCheck(string Target, string Measured, bool Met);
