namespace StatelessApp.Hosting.Redis;

/// <summary>When readiness warns about Redis memory (section "Redis").</summary>
public sealed class RedisMemoryOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// Readiness reports Degraded once Redis's used_memory reaches this fraction of its maxmemory (with noeviction, writes
    /// fail at maxmemory): the warning comes while there is still room. No maxmemory set: no warning.
    /// </summary>
    public double MemoryDegradedFraction { get; set; } = 0.8;
}
