namespace StatelessApp.Bench;

/// <summary>Turns the servers' counters around a distance cell into <see cref="ServerCount"/>s, local or remote to the region of entry.</summary>
public static class DistanceCounts
{
    public const string RedisCommands = "Redis commands";

    public const string Statements = "statements";

    /// <summary>
    /// The request's own Redis commands on <paramref name="redisPrimary"/> (background excluded) and the request's own
    /// statements per PostgreSQL node (pool resets and probes excluded), per request; <paramref name="regionOf"/> names a server's region.
    /// </summary>
    public static IReadOnlyList<ServerCount> Of(ServerCosts before, ServerCosts after, long requests, string redisPrimary, Func<string, string> regionOf, string entry)
    {
        var perRequest = (double)Math.Max(1, requests);
        var counts = new List<ServerCount>();
        var commands = RedisCommandCounter.Delta(before.Redis, after.Redis).Where(kv => !RedisCommandCounter.IsBackground(kv.Key)).Sum(kv => kv.Value);
        if (commands > 0)
        {
            counts.Add(Count(redisPrimary, RedisCommands, commands / perRequest));
        }

        foreach (var node in before.StatementsUntil(after, requests).Where(s => s.Kind == StatementKind.Request)
                     .GroupBy(s => s.Node).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            counts.Add(Count(node.Key, Statements, node.Sum(s => s.Calls) / perRequest));
        }

        return counts;

        ServerCount Count(string server, string what, double value)
        {
            var region = regionOf(server);
            return new ServerCount(server, region, what, value, region != entry);
        }
    }
}
