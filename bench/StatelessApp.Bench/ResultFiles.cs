using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StatelessApp.Bench;

/// <summary>
/// results.csv (a row per configuration and scenario: the medians, then every round), results.json (everything; its
/// roundRatios are what bench/plot.py draws) and results.md (the tables for docs/benchmarks.md).
/// </summary>
public static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<IReadOnlyList<string>> WriteAsync(BenchReport report, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, "results.csv");
        var json = Path.Combine(folder, "results.json");
        var markdown = Path.Combine(folder, "results.md");
        await File.WriteAllTextAsync(csv, Csv(report), cancellationToken);
        await File.WriteAllTextAsync(markdown, MarkdownReport.Render(report), cancellationToken);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new
        {
            report.Settings,
            report.Before,
            report.After,
            Configurations = BenchConfiguration.All,
            report.Settings.Scenarios,
            report.Measurements,
            report.Ratios,
            report.Rounds,
            report.Targets,
            report.Flood,
            RoundRatios = RoundRatios.Of(report.Rounds, BenchConfiguration.Stateful),
            RatioTarget = RoundRatios.Target,
        }, Json) + "\n", cancellationToken);
        return [csv, json, markdown];
    }

    /// <summary>
    /// Recomputes the plot's ratios of an existing results.json from its rounds (results written before the plot drew
    /// ratios have none), so a plot can be redrawn without measuring again.
    /// </summary>
    public static async Task RefreshRoundRatiosAsync(string resultsJson, CancellationToken cancellationToken)
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(resultsJson, cancellationToken))?.AsObject()
            ?? throw new InvalidDataException($"{resultsJson} holds no JSON object");
        var rounds = document["rounds"]?.Deserialize<List<Measurement>>(Json)
            ?? throw new InvalidDataException($"{resultsJson} has no rounds");
        document["roundRatios"] = JsonSerializer.SerializeToNode(RoundRatios.Of(rounds, BenchConfiguration.Stateful), Json);
        document["ratioTarget"] = RoundRatios.Target;
        await File.WriteAllTextAsync(resultsJson, document.ToJsonString(Json) + "\n", cancellationToken);
    }

    private static string Csv(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("round,configuration,scenario,request,seconds,requests,requests_per_second,p50_ms,p90_ms,p99_ms,max_ms,errors,"
            + "redis_commands_per_request,redis_commands,pg_primary_statements_per_request,pg_standby_statements_per_request,pg_pool_resets_per_request,standby_share,cpu_ms_per_request,cpu_ms_per_request_by_process,warning");
        // The medians first (round "median"), then every round as measured.
        foreach (var m in report.Measurements.Concat(report.Rounds))
        {
            var commands = string.Join(' ', m.RedisCommandsPerRequestByCommand.Select(kv => Invariant($"{kv.Key}={kv.Value:0.###}")));
            text.Append(m.Round == 0 ? "median," : Invariant($"{m.Round},"))
                .Append(Invariant($"{m.Configuration},{m.Scenario},{m.Request},{m.Seconds:0.00},{m.Requests},{m.RequestsPerSecond:0.0},"))
                .Append(Invariant($"{m.P50Milliseconds:0.000},{m.P90Milliseconds:0.000},{m.P99Milliseconds:0.000},{m.MaxMilliseconds:0.000},{m.Errors},"))
                .Append(Invariant($"{m.RedisCommandsPerRequest:0.000},{commands},{m.PrimaryStatementsPerRequest:0.000},{m.StandbyStatementsPerRequest:0.000},{m.PoolResetsPerRequest:0.000},"))
                .Append(Invariant($"{m.StandbyShare:0.0000},{m.ServerCpuMillisecondsPerRequest:0.0000},"))
                .Append(string.Join(' ', m.CpuMillisecondsPerRequest.Select(kv => Invariant($"{kv.Key.Replace(' ', '-')}={kv.Value:0.0000}"))))
                .AppendLine("," + Quote(m.Warning));
        }

        return text.ToString();
    }

    private static string Quote(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
