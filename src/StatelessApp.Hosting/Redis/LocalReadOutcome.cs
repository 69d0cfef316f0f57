namespace StatelessApp.Hosting.Redis;

/// <summary>The <c>outcome</c> tag of <c>statelessapp.redis.local_reads</c> (<see cref="RedisMetrics.RecordLocalRead"/>).</summary>
public static class LocalReadOutcome
{
    /// <summary>The own region's node answered and its answer was used: no round trip to the primary.</summary>
    public const string Local = "local";

    /// <summary>The node answered with another value than the caller holds (not replicated yet, or really changed): asked the primary.</summary>
    public const string Differs = "differs";

    /// <summary>The node has no value where one is needed: asked the primary.</summary>
    public const string Missing = "missing";

    /// <summary>The node failed, timed out or refused (MASTERDOWN: cut off from its primary; LOADING): asked the primary.</summary>
    public const string Failed = "failed";
}
