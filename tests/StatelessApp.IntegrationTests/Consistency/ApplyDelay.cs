using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Consistency;

/// <summary>Makes the standby lag on purpose: it applies each commit only this long after the primary made it.</summary>
internal static class ApplyDelay
{
    public static async Task SetAsync(PostgresCluster cluster, TimeSpan delay)
    {
        await PostgresCluster.AdminScalarAsync(cluster.Standby,
            $"ALTER SYSTEM SET recovery_min_apply_delay = '{(int)delay.TotalMilliseconds}ms'");
        await PostgresCluster.AdminScalarAsync(cluster.Standby, "SELECT pg_reload_conf()");
        var shown = await PostgresCluster.AdminScalarAsync(cluster.Standby, "SHOW recovery_min_apply_delay");
        // pg_reload_conf only signals; wait until the setting is in force for new sessions.
        for (var i = 0; i < 50 && !Matches(shown, delay); i++)
        {
            await Task.Delay(20);
            shown = await PostgresCluster.AdminScalarAsync(cluster.Standby, "SHOW recovery_min_apply_delay");
        }

        Assert.True(Matches(shown, delay), $"recovery_min_apply_delay is {shown}");
    }

    private static bool Matches(object? shown, TimeSpan delay) =>
        shown as string == (delay == TimeSpan.Zero ? "0" : $"{(int)delay.TotalMilliseconds}ms");
}
