using System.Globalization;

namespace StatelessApp.Drills.Results;

/// <summary>
/// The targets of docs/failover.md, checked on a drill's row of the table. Every drill meets the invariants (nothing
/// acknowledged lost, no duplicate, no session or cookie lost, never two writable primaries); a drill whose fault has a
/// failover time or failed-request target names it too. Every missed target is reported at once.
/// </summary>
public static class DrillTargets
{
    public static void AssertMet(DrillResult result, TimeSpan? postgresWritableWithin = null, TimeSpan? redisWritableWithin = null,
        bool noFailedRequests = false)
    {
        var missed = new List<string>();
        void Target(bool met, string what)
        {
            if (!met)
            {
                missed.Add(what);
            }
        }

        Target(result.AcknowledgedOrders > 0, "the load placed no order at all: the drill proves nothing");
        Target(result.AcknowledgedOrdersLost == 0, $"{result.AcknowledgedOrdersLost} acknowledged orders lost");
        Target(result.DuplicateOrders == 0, $"{result.DuplicateOrders} duplicate orders");
        Target(result.SessionsLost == 0, $"{result.SessionsLost} sessions lost");
        Target(result.CookiesNotDecrypting == 0, $"{result.CookiesNotDecrypting} cookies not decrypting");
        Target(result.PostgresTwoPrimaryRounds == 0, $"{result.PostgresTwoPrimaryRounds} rounds with two writable PostgreSQL nodes");
        Target(result.RedisTwoPrimaryRounds == 0, $"{result.RedisTwoPrimaryRounds} rounds with two writable Redis nodes");
        foreach (var problem in result.AlertProblems)
        {
            Target(false, problem);
        }

        if (noFailedRequests)
        {
            Target(result.NotOk == 0, $"{result.FormatNotOk()} requests not ok");
        }

        if (postgresWritableWithin is { } postgres)
        {
            Target(result.PostgresWritableAfter <= postgres.TotalSeconds,
                $"PostgreSQL writable again after {DrillResult.Seconds1(result.PostgresWritableAfter)} s, not within {Seconds(postgres)} s");
        }

        if (redisWritableWithin is { } redis)
        {
            Target(result.RedisWritableAfter <= redis.TotalSeconds,
                $"Redis writable again after {DrillResult.Seconds1(result.RedisWritableAfter)} s, not within {Seconds(redis)} s");
        }

        Assert.True(missed.Count == 0, $"{result.Drill} missed: {string.Join("; ", missed)}");
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
