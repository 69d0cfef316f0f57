using System.Globalization;
using System.Text;

namespace StatelessApp.Bench;

/// <summary>results.md: the run's tables in Markdown, so docs/benchmarks.md can quote exactly what the run printed.</summary>
public static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var settings = report.Settings;
        var before = report.Before;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Run of {before.TakenAt:yyyy-MM-dd HH:mm} to {report.After.TakenAt:HH:mm} UTC: {settings.Rounds} round(s), {settings.Warmup.TotalSeconds:0} s warm-up + {settings.Duration.TotalSeconds:0} s measured per scenario and configuration, wrk {settings.Threads} threads / {settings.Connections} connections, {settings.Shoppers} shoppers."));
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {before.Cores} cores ({before.Cpu}), {before.MemoryTotal} RAM, {before.OperatingSystem}, kernel {before.Kernel}, {before.Runtime}. Load average (1/5/15 min) before: {before.LoadAverage}; after: {report.After.LoadAverage}. Busiest processes at the start (CPU %, elapsed, name): {string.Join("; ", before.BusiestProcesses)}."));
        text.AppendLine();

        text.AppendLine("| scenario | configuration | req/s (median) | req/s per round | p50 ms | p99 ms | errors | Redis cmds/req | PG statements/req (primary + standby) | pool resets/req | CPU ms/req: app, haproxy, redis, postgres = all |");
        text.AppendLine("|---|---|---:|---|---:|---:|---:|---|---|---:|---|");
        foreach (var scenario in Scenario.All)
        {
            foreach (var configuration in report.Settings.Configurations)
            {
                if (report.Find(configuration, scenario) is not { } m)
                {
                    continue;
                }

                var rounds = string.Join(", ", m.RequestsPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture)));
                var commands = m.RedisCommandsPerRequestByCommand.Count == 0
                    ? "0"
                    : Invariant($"{m.RedisCommandsPerRequest:0.00} (") + string.Join(", ", m.RedisCommandsPerRequestByCommand.Select(kv => Invariant($"{kv.Key} {kv.Value:0.00}"))) + ")";
                text.AppendLine(Invariant($"| {scenario.Name} | {configuration.Name} | {m.RequestsPerSecond:0} | {rounds} | {m.P50Milliseconds:0.00} | {m.P99Milliseconds:0.00} | {m.Errors} | {commands} | {m.PrimaryStatementsPerRequest:0.00} + {m.StandbyStatementsPerRequest:0.00} | {m.PoolResetsPerRequest:0.00} | {Cpu(m)} |"));
            }
        }

        text.AppendLine();
        var others = report.ComparedConfigurations;
        text.AppendLine("(1) stateless, " + string.Join(", ", others.Select(o => $"({o.Number}) {o.Configuration.Name}")) + ".");
        text.AppendLine();
        text.AppendLine("| scenario |" + string.Concat(others.Select(o => $" req/s (1)/({o.Number}) | p50 (1)/({o.Number}) | p99 (1)/({o.Number}) | CPU-predicted req/s (1)/({o.Number}) |")));
        text.AppendLine("|---|" + string.Concat(others.Select(_ => "---:|---:|---:|---:|")));
        foreach (var scenario in Scenario.All)
        {
            var ratios = others.Select(o => report.RatioOf(scenario, o.Configuration)).ToList();
            if (ratios.All(r => r is not null))
            {
                text.AppendLine($"| {scenario.Name} |" + string.Concat(ratios.Select(r => Invariant($" {r!.Throughput:0.00} | {r.P50:0.00} | {r.P99:0.00} | {r.CpuCapacity:0.00} |"))));
            }
        }

        text.AppendLine();
        text.AppendLine("| target | measured | |");
        text.AppendLine("|---|---|---|");
        foreach (var target in report.Targets)
        {
            text.AppendLine($"| {target.Target} | {target.Measured} | {(target.Met ? "met" : "**missed**")} |");
        }

        if (report.Flood is { } flood)
        {
            text.AppendLine();
            text.AppendLine("The flood configuration, as printed:");
            text.AppendLine();
            text.AppendLine("```");
            text.Append(FloodTable.Render(flood));
            text.AppendLine("```");
        }

        text.AppendLine();
        text.AppendLine("Statements per request of the stateless configuration, by node (pool resets and background left out):");
        text.AppendLine();
        text.AppendLine("| scenario | node (role) | per request | statement |");
        text.AppendLine("|---|---|---:|---|");
        foreach (var scenario in Scenario.All)
        {
            if (report.Find(BenchConfiguration.Stateless, scenario) is not { } m)
            {
                continue;
            }

            foreach (var statement in m.Statements.Where(s => s.Kind == StatementKind.Request && s.PerRequest >= 0.005))
            {
                var shortened = Shorten(statement.Statement);
                text.AppendLine(Invariant($"| {scenario.Name} | {statement.Node} ({statement.Role}) | {statement.PerRequest:0.00} | `{shortened.Replace("|", "\\|", StringComparison.Ordinal)}` |"));
            }
        }

        foreach (var warning in report.Measurements.Where(m => m.Warning is not null))
        {
            text.AppendLine();
            text.AppendLine($"Warning, {warning.Configuration} {warning.Scenario}: {warning.Warning}");
        }

        return text.ToString();
    }

    /// <summary>One line, the column list of a SELECT elided (the FROM and WHERE say which query it is), at most 110 characters.</summary>
    private static string Shorten(string statement)
    {
        var line = string.Join(' ', statement.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        var from = line.IndexOf(" FROM ", StringComparison.Ordinal);
        if (line.StartsWith("SELECT ", StringComparison.Ordinal) && from > 0)
        {
            line = "SELECT ..." + line[from..];
        }

        return line.Length > 110 ? line[..107] + "..." : line;
    }

    private static string Cpu(Measurement m)
    {
        string Of(string process) => m.CpuMillisecondsPerRequest.TryGetValue(process, out var ms) ? ms.ToString("0.000", CultureInfo.InvariantCulture) : "-";
        var postgres = m.CpuMillisecondsPerRequest.Where(kv => kv.Key.StartsWith("postgres", StringComparison.Ordinal)).Sum(kv => kv.Value);
        return $"{Of("app")}, {Of("haproxy")}, {Of("redis")}, {postgres.ToString("0.000", CultureInfo.InvariantCulture)} = {m.ServerCpuMillisecondsPerRequest.ToString("0.000", CultureInfo.InvariantCulture)}";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
