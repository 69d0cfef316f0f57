using static StatelessApp.TestKit.Statistics.Percentiles;

namespace StatelessApp.Bench;

/// <summary>
/// One row per configuration and scenario from several rounds: the median of the rounds' throughput and latencies
/// (robust to one round that met a burst of other work on the machine), and the counted costs over all rounds
/// together (counts are not noisy: summing them only makes the per-request figure more exact).
/// </summary>
public static class RoundSummary
{
    public static IReadOnlyList<Measurement> MediansOf(IReadOnlyList<Measurement> rounds) =>
    [
        .. rounds.GroupBy(m => (m.Configuration, m.Scenario)).Select(group => Combine([.. group.OrderBy(m => m.Round)])),
    ];

    private static Measurement Combine(IReadOnlyList<Measurement> rounds)
    {
        var requests = rounds.Sum(m => m.Requests);
        double PerRequest(Func<Measurement, double> perRequest) => rounds.Sum(m => perRequest(m) * m.Requests) / Math.Max(1, requests);
        var statements = rounds.SelectMany(m => m.Statements)
            .GroupBy(s => (s.Node, s.Role, s.Kind, s.Statement))
            .Select(g => new StatementCount(g.Key.Node, g.Key.Role, g.Key.Kind, g.Key.Statement, g.Sum(s => s.Calls), (double)g.Sum(s => s.Calls) / Math.Max(1, requests)))
            .OrderByDescending(s => s.Calls)
            .ToList();
        var primary = PerRequest(m => m.PrimaryStatementsPerRequest);
        var standby = PerRequest(m => m.StandbyStatementsPerRequest);
        var warnings = rounds.Where(m => m.Warning is not null).Select(m => $"round {m.Round}: {m.Warning}").ToList();
        return rounds[0] with
        {
            Round = 0,
            Seconds = rounds.Sum(m => m.Seconds),
            Requests = requests,
            RequestsPerSecond = Median(rounds.Select(m => m.RequestsPerSecond)),
            P50Milliseconds = Median(rounds.Select(m => m.P50Milliseconds)),
            P90Milliseconds = Median(rounds.Select(m => m.P90Milliseconds)),
            P99Milliseconds = Median(rounds.Select(m => m.P99Milliseconds)),
            MaxMilliseconds = rounds.Max(m => m.MaxMilliseconds),
            Errors = rounds.Sum(m => m.Errors),
            ErrorDetail = new WrkErrors(rounds.Sum(m => m.ErrorDetail.Connect), rounds.Sum(m => m.ErrorDetail.Read), rounds.Sum(m => m.ErrorDetail.Write),
                rounds.Sum(m => m.ErrorDetail.Status), rounds.Sum(m => m.ErrorDetail.Timeout)),
            RedisCommandsPerRequest = PerRequest(m => m.RedisCommandsPerRequest),
            RedisCommandsPerRequestByCommand = rounds.SelectMany(m => m.RedisCommandsPerRequestByCommand.Select(kv => (kv.Key, Calls: kv.Value * m.Requests)))
                .GroupBy(x => x.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Calls) / Math.Max(1, requests), StringComparer.Ordinal),
            RedisBackgroundCommands = rounds.SelectMany(m => m.RedisBackgroundCommands)
                .GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal),
            PrimaryStatementsPerRequest = primary,
            StandbyStatementsPerRequest = standby,
            PoolResetsPerRequest = PerRequest(m => m.PoolResetsPerRequest),
            StandbyShare = primary + standby == 0 ? double.NaN : standby / (primary + standby),
            Statements = statements,
            RequestsPerSecondByRound = [.. rounds.Select(m => m.RequestsPerSecond)],
            CpuMillisecondsPerRequest = rounds.SelectMany(m => m.CpuMillisecondsPerRequest.Select(kv => (kv.Key, Milliseconds: kv.Value * m.Requests)))
                .GroupBy(x => x.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Milliseconds) / Math.Max(1, requests), StringComparer.Ordinal),
            Warning = warnings.Count == 0 ? null : string.Join("; ", warnings),
        };
    }
}
