namespace StatelessApp.Bench;

/// <summary>Counter snapshots of Redis, of every PostgreSQL node and of the servers' CPU time, taken around a measured run.</summary>
public sealed record ServerCosts(IReadOnlyDictionary<string, long> Redis, IReadOnlyDictionary<string, NodeStatements> Postgres, IReadOnlyDictionary<string, double> CpuSeconds)
{
    public static async Task<ServerCosts> SnapshotAsync(SystemUnderTest stack, CancellationToken cancellationToken) =>
        new(await RedisCommandCounter.SnapshotAsync(stack, cancellationToken), await PostgresStatementCounter.SnapshotAsync(stack, cancellationToken),
            ProcessCpu.Read(await stack.CpuRootsAsync(cancellationToken)));

    /// <summary>Calls of each statement on each node between this snapshot and <paramref name="after"/>, per request too.</summary>
    public List<StatementCount> StatementsUntil(ServerCosts after, long requests)
    {
        var statements = new List<StatementCount>();
        foreach (var (node, now) in after.Postgres)
        {
            var then = Postgres.TryGetValue(node, out var earlier) ? earlier.Calls : new Dictionary<string, long>();
            foreach (var (statement, calls) in now.Calls)
            {
                var delta = calls - then.GetValueOrDefault(statement);
                if (delta > 0)
                {
                    statements.Add(new StatementCount(node, now.Role, PostgresStatementCounter.KindOf(statement), statement, delta, (double)delta / Math.Max(1, requests)));
                }
            }
        }

        return statements;
    }

    /// <summary>Fills the cost fields of <paramref name="measurement"/> from the counts between this snapshot and <paramref name="after"/>.</summary>
    public Measurement Attribute(ServerCosts after, Measurement measurement)
    {
        var requests = Math.Max(1, measurement.Requests);
        var redis = RedisCommandCounter.Delta(Redis, after.Redis);
        var commands = redis.Where(kv => !RedisCommandCounter.IsBackground(kv.Key)).ToDictionary(kv => kv.Key, kv => (double)kv.Value / requests, StringComparer.Ordinal);

        var statements = StatementsUntil(after, requests);
        var own = statements.Where(s => s.Kind == StatementKind.Request).ToList();
        var primary = own.Where(s => s.Role == "primary").Sum(s => s.Calls);
        var standby = own.Where(s => s.Role == "standby").Sum(s => s.Calls);
        // CPU of a process that was restarted in between would be meaningless: only labels with the same root in both.
        var cpu = after.CpuSeconds.Where(kv => CpuSeconds.ContainsKey(kv.Key))
            .ToDictionary(kv => kv.Key, kv => Math.Max(0, kv.Value - CpuSeconds[kv.Key]) * 1000 / requests, StringComparer.Ordinal);
        return measurement with
        {
            CpuMillisecondsPerRequest = cpu,
            RedisCommandsPerRequest = commands.Values.Sum(),
            RedisCommandsPerRequestByCommand = commands,
            RedisBackgroundCommands = redis.Where(kv => RedisCommandCounter.IsBackground(kv.Key)).ToDictionary(StringComparer.Ordinal),
            PrimaryStatementsPerRequest = (double)primary / requests,
            StandbyStatementsPerRequest = (double)standby / requests,
            PoolResetsPerRequest = (double)statements.Where(s => s.Kind == StatementKind.PoolReset).Sum(s => s.Calls) / requests,
            StandbyShare = primary + standby == 0 ? double.NaN : (double)standby / (primary + standby),
            Statements = [.. statements.OrderByDescending(s => s.Calls)],
        };
    }
}
