namespace StatelessApp.Hosting.Sessions;

/// <summary>Settings of the Redis session store (section "Sessions").</summary>
public sealed class RedisSessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>How long an unused session lives; every read or write slides it (GETEX/SET ... EX).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Name of the cookie carrying the protected session id. Must start with <c>__Host-</c>: the cookie is always
    /// Secure, Path=/ and without Domain, and the prefix makes browsers insist on it (see <see cref="Cookies.HostCookie"/>).
    /// </summary>
    public string CookieName { get; set; } = "__Host-StatelessApp.Session";

    /// <summary>Prefix of the Redis keys ("prefix" + session id), so several apps can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "StatelessApp:Session:";

    /// <summary>
    /// Upper bound of a serialized session, in bytes. The whole session travels on every request that reads
    /// it, so a growing session is a latency and memory problem long before Redis minds; exceeding it throws
    /// <see cref="SessionTooLargeException"/> at the <c>Set</c> that would cross it.
    /// </summary>
    public int MaxSizeBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// How many Redis replicas must confirm a session change (WAIT) before the response is sent. 1, the default, is
    /// what a two-region deployment needs: a change acknowledged by the primary alone is lost if the primary's region
    /// dies before replicating it. 0 for a single Redis without replicas (local development, most tests); the
    /// change then costs one round trip less.
    /// </summary>
    public int RequiredReplicas { get; set; } = 1;

    /// <summary>
    /// How long a change waits for <see cref="RequiredReplicas"/> confirmations; past it the request fails with 503.
    /// A healthy replica answers in one replica round trip; keep this below the Redis command timeout (1 s by default).
    /// </summary>
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Upper bound of one load or save, all its round trips together (each is bounded by the Redis command timeout too),
    /// linked to the request's cancellation as the stock session's IOTimeout is; past it the request fails with 503.
    /// Keep it above <see cref="ReplicaAckTimeout"/> plus a command timeout, or a slow confirmation becomes a timeout.
    /// </summary>
    public TimeSpan IOTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether saves re-issue the session cookie with the session's version (<see cref="SessionVersion"/>), so a later load
    /// can be served by the Redis node of the instance's own region (the keyed connection
    /// <see cref="Redis.RedisConnections.LocalReads"/>) when that node provably holds the version. Off by default: a
    /// versioned cookie is refused by releases before this one (the session is lost there), so turn it on only once every
    /// instance, and any release a rollback could return to, reads it (docs/operations.md, "Session format across versions").
    /// </summary>
    public bool VersionedCookies { get; set; }

    /// <summary>
    /// Upper bound of a load from the local node (<see cref="Redis.RedisConnections.LocalReads"/>); past it the load goes to
    /// the primary, within what is left of <see cref="IOTimeout"/>. The local node is in the instance's own region: a
    /// node that takes this long is sick, and the primary is one region away.
    /// </summary>
    public TimeSpan LocalReadTimeout { get; set; } = TimeSpan.FromMilliseconds(100);
}
