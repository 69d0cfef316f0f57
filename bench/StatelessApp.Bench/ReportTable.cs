using System.Globalization;
using System.Text;

namespace StatelessApp.Bench;

/// <summary>The plain-text tables bench/run prints at the end (and docs/benchmarks.md quotes).</summary>
public static class ReportTable
{
    public static string Render(BenchReport report)
    {
        var text = new StringBuilder();
        if (report.Measurements.Count > 0)
        {
            AppendRounds(report, text);
        }

        if (report.Flood is { } flood)
        {
            text.AppendLine();
            text.Append(FloodTable.Render(flood));
        }

        text.AppendLine();
        text.AppendLine("targets");
        foreach (var target in report.Targets)
        {
            text.AppendLine(Invariant($"  {(target.Met ? "met   " : "MISSED")} {target.Target}: {target.Measured}"));
        }

        foreach (var warning in report.Measurements.Where(m => m.Warning is not null))
        {
            text.AppendLine(Invariant($"  warning: {warning.Configuration} {warning.Scenario}: {warning.Warning}"));
        }

        return text.ToString();
    }

    /// <summary>wrk's scenarios: each configuration's medians, then the ratios (none in a flood-only run).</summary>
    private static void AppendRounds(BenchReport report, StringBuilder text)
    {
        text.AppendLine(Invariant($"medians of {report.Settings.Rounds} round(s) of {report.Settings.Duration.TotalSeconds:0} s; req/s of every round in brackets"));
        text.AppendLine(Invariant($"{"scenario",-13}{"configuration",-13}{"req/s",8} {"(rounds)",-18}{"p50 ms",8}{"p99 ms",9}{"errors",8}{"redis/req",11}{"pg primary/req",16}{"pg standby/req",16}{"pg resets/req",15}{"CPU ms/req app",16}{"all",7}"));
        foreach (var scenario in Scenario.All)
        {
            foreach (var configuration in report.Settings.Configurations)
            {
                if (report.Find(configuration, scenario) is { } m)
                {
                    var rounds = "(" + string.Join(' ', m.RequestsPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture))) + ")";
                    text.AppendLine(Invariant($"{scenario.Name,-13}{configuration.Name,-13}{m.RequestsPerSecond,8:0} {rounds,-18}{m.P50Milliseconds,8:0.00}{m.P99Milliseconds,9:0.00}{m.Errors,8}{m.RedisCommandsPerRequest,11:0.00}{m.PrimaryStatementsPerRequest,16:0.00}{m.StandbyStatementsPerRequest,16:0.00}{m.PoolResetsPerRequest,15:0.00}{m.CpuMillisecondsPerRequest.GetValueOrDefault("app"),16:0.000}{m.ServerCpuMillisecondsPerRequest,7:0.000}"));
                }
            }
        }

        text.AppendLine();
        var others = report.ComparedConfigurations;
        text.AppendLine("ratios, stateless (1) / " + string.Join(", / ", others.Select(o => $"{o.Configuration.Name} ({o.Number})"))
            + ": throughput > 1 and latency < 1 favour stateless;");
        text.AppendLine("CPU = the throughput ratio predicted by the servers' CPU per request (theirs / stateless's), > 1 favours stateless");
        text.Append(Invariant($"{"scenario",-13}"));
        foreach (var (_, n) in others)
        {
            text.Append(Invariant($"{$"req/s 1/{n}",11}{$"p50 1/{n}",9}{$"p99 1/{n}",9}{$"CPU 1/{n}",9}"));
        }

        text.AppendLine();
        foreach (var scenario in Scenario.All)
        {
            var ratios = others.Select(o => report.RatioOf(scenario, o.Configuration)).ToList();
            if (ratios.All(r => r is not null))
            {
                text.Append(Invariant($"{scenario.Name,-13}"));
                foreach (var ratio in ratios)
                {
                    text.Append(Invariant($"{ratio!.Throughput,11:0.00}{ratio.P50,9:0.00}{ratio.P99,9:0.00}{ratio.CpuCapacity,9:0.00}"));
                }

                text.AppendLine();
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
