namespace StatelessApp.Hosting.Sessions;

/// <summary>Why a session load went to the primary instead of the instance's own region's node: the <c>reason</c> tag of <c>statelessapp.sessions.loads</c>.</summary>
public static class LocalMiss
{
    /// <summary>The cookie carries no version (minted before versions, or <see cref="RedisSessionOptions.VersionedCookies"/> is off).</summary>
    public const string NoVersion = "no_version";

    /// <summary>No <see cref="Redis.RedisConnections.LocalReads"/> connection is registered (no node in this region).</summary>
    public const string NoLocalNode = "no_local_node";

    /// <summary>The local copy is older than the cookie's version, or has none: the replica has not caught up.</summary>
    public const string Behind = "behind";

    /// <summary>The local node has no such key (expired, deleted, or never received): only the primary can tell.</summary>
    public const string Missing = "missing";

    /// <summary>The local copy could not be parsed: the primary's copy decides.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>The local node failed: MASTERDOWN (a replica cut off from its primary refuses), a closed connection, an error.</summary>
    public const string Failed = "failed";

    /// <summary>The local node did not answer within <see cref="RedisSessionOptions.LocalReadTimeout"/>.</summary>
    public const string Timeout = "timeout";

    /// <summary>A synchronous load (code that did not await LoadAsync): it takes the primary, as before.</summary>
    public const string Synchronous = "synchronous";
}
