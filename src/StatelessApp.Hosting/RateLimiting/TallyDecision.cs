namespace StatelessApp.Hosting.RateLimiting;

/// <summary>What an instance's <see cref="WindowTally"/> decided for one hit from what it knows.</summary>
internal enum TallyDecision
{
    /// <summary>Every counter far enough below its limit: serve now, send the hit to Redis without waiting.</summary>
    Grant,

    /// <summary>A counter near its limit: send the hit and wait for Redis's count (exact, as without the tally).</summary>
    Ask,

    /// <summary>Redis already counted a counter past its limit in this window: refuse, send nothing.</summary>
    Refuse,
}
