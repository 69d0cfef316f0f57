using System.Globalization;
using System.Text;

namespace StatelessApp.Bench;

/// <summary>The plain-text tables bench/run prints at the end (and docs/benchmarks.md quotes).</summary>
public static class ReportTable
{
    public static string Render(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"medians of {report.Settings.Rounds} round(s) of {report.Settings.Duration.TotalSeconds:0} s; req/s of every round in brackets"));
        text.AppendLine(Invariant($"{"scenario",-13}{"configuration",-13}{"req/s",8} {"(rounds)",-18}{"p50 ms",8}{"p99 ms",9}{"errors",8}{"redis/req",11}{"pg primary/req",16}{"pg standby/req",16}{"pg resets/req",15}{"CPU ms/req app",16}{"all",7}"));
        foreach (var scenario in Scenario.All)
        {
            foreach (var configuration in BenchConfiguration.All)
            {
                if (report.Find(configuration, scenario) is { } m)
                {
                    var rounds = "(" + string.Join(' ', m.RequestsPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture))) + ")";
                    text.AppendLine(Invariant($"{scenario.Name,-13}{configuration.Name,-13}{m.RequestsPerSecond,8:0} {rounds,-18}{m.P50Milliseconds,8:0.00}{m.P99Milliseconds,9:0.00}{m.Errors,8}{m.RedisCommandsPerRequest,11:0.00}{m.PrimaryStatementsPerRequest,16:0.00}{m.StandbyStatementsPerRequest,16:0.00}{m.PoolResetsPerRequest,15:0.00}{m.CpuMillisecondsPerRequest.GetValueOrDefault("app"),16:0.000}{m.ServerCpuMillisecondsPerRequest,7:0.000}"));
                }
            }
        }

        text.AppendLine();
        text.AppendLine("ratios, stateless (1) / stateful (2) and stateless (1) / stock-redis (3): throughput > 1 and latency < 1 favour stateless;");
        text.AppendLine("CPU = the throughput ratio predicted by the servers' CPU per request (theirs / stateless's), > 1 favours stateless");
        text.AppendLine(Invariant($"{"scenario",-13}{"req/s 1/2",11}{"p50 1/2",9}{"p99 1/2",9}{"CPU 1/2",9}{"req/s 1/3",11}{"p50 1/3",9}{"p99 1/3",9}{"CPU 1/3",9}"));
        foreach (var scenario in Scenario.All)
        {
            var stateful = report.Ratios.FirstOrDefault(r => r.Scenario == scenario.Name && r.Versus == BenchConfiguration.Stateful.Name);
            var stock = report.Ratios.FirstOrDefault(r => r.Scenario == scenario.Name && r.Versus == BenchConfiguration.StockRedis.Name);
            if (stateful is not null && stock is not null)
            {
                text.AppendLine(Invariant($"{scenario.Name,-13}{stateful.Throughput,11:0.00}{stateful.P50,9:0.00}{stateful.P99,9:0.00}{stateful.CpuCapacity,9:0.00}{stock.Throughput,11:0.00}{stock.P50,9:0.00}{stock.P99,9:0.00}{stock.CpuCapacity,9:0.00}"));
            }
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
