namespace StatelessApp.Hosting.Sessions;

/// <summary>Settings of the Redis session store (section "Sessions").</summary>
public sealed class RedisSessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>How long an unused session lives; every read or write slides it (GETEX/SET ... EX).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Name of the cookie carrying the protected session id.</summary>
    public string CookieName { get; set; } = ".StatelessApp.Session";

    /// <summary>Prefix of the Redis keys ("prefix" + session id), so several apps can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "StatelessApp:Session:";

    /// <summary>
    /// Upper bound of a serialized session, in bytes. The whole session travels on every request that reads
    /// it, so a growing session is a latency and memory problem long before Redis minds; exceeding it throws
    /// <see cref="SessionTooLargeException"/> at the <c>Set</c> that would cross it.
    /// </summary>
    public int MaxSizeBytes { get; set; } = 32 * 1024;
}
