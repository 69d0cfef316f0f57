namespace StatelessApp.Bench;

/// <summary>One scenario of one configuration: wrk's figures and the servers' counted costs, per request.</summary>
public sealed record Measurement
{
    /// <summary>1, 2, ...; 0 for the median of the rounds (<see cref="RoundSummary"/>).</summary>
    public required int Round { get; init; }

    public required string Configuration { get; init; }

    public required string Scenario { get; init; }

    public required string Request { get; init; }

    public required bool TouchesSession { get; init; }

    public required double Seconds { get; init; }

    public required long Requests { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required double P50Milliseconds { get; init; }

    public required double P90Milliseconds { get; init; }

    public required double P99Milliseconds { get; init; }

    public required double MaxMilliseconds { get; init; }

    /// <summary>Socket errors, timeouts and HTTP statuses over 399.</summary>
    public required long Errors { get; init; }

    public required WrkErrors ErrorDetail { get; init; }

    /// <summary>The request's own Redis commands (background excluded), per request.</summary>
    public required double RedisCommandsPerRequest { get; init; }

    public required IReadOnlyDictionary<string, double> RedisCommandsPerRequestByCommand { get; init; }

    /// <summary>Commands the servers sent on their own during the run (absolute counts; see RedisCommandCounter).</summary>
    public required IReadOnlyDictionary<string, long> RedisBackgroundCommands { get; init; }

    /// <summary>The request's own statements on the PostgreSQL primary, per request (pool resets and background excluded).</summary>
    public required double PrimaryStatementsPerRequest { get; init; }

    public required double StandbyStatementsPerRequest { get; init; }

    /// <summary>DISCARD ALL before a pooled connection's reuse, on any node, per request.</summary>
    public required double PoolResetsPerRequest { get; init; }

    /// <summary>Share of the request's own statements that the standby ran (NaN when there were none).</summary>
    public required double StandbyShare { get; init; }

    public required IReadOnlyList<StatementCount> Statements { get; init; }

    /// <summary>CPU milliseconds per request by process (app, haproxy, redis, postgres primary/standby), from the kernel's accounting.</summary>
    public IReadOnlyDictionary<string, double> CpuMillisecondsPerRequest { get; init; } = new Dictionary<string, double>();

    /// <summary>All the measured processes together: what one request costs the servers, whatever the machine's load.</summary>
    public double ServerCpuMillisecondsPerRequest => CpuMillisecondsPerRequest.Values.Sum();

    /// <summary>Every round's throughput, in round order (only on the median row): how far the rounds were apart.</summary>
    public IReadOnlyList<double> RequestsPerSecondByRound { get; init; } = [];

    /// <summary>Something that makes this row less trustworthy (e.g. a checkout pool that ran out).</summary>
    public string? Warning { get; init; }
}

/// <summary>Calls of one normalised statement on one node during a run, per request.</summary>
public sealed record StatementCount(string Node, string Role, StatementKind Kind, string Statement, long Calls, double PerRequest);
