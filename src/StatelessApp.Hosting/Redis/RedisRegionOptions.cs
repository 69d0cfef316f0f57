namespace StatelessApp.Hosting.Redis;

/// <summary>Where the Redis data nodes are (section "Redis"), so that an instance can read from its own region's node.</summary>
public sealed class RedisRegionOptions
{
    public const string SectionName = "Redis";

    /// <summary>The port of a <see cref="NodeRegions"/> entry that names none: Redis's default.</summary>
    public const int DefaultPort = 6379;

    /// <summary>
    /// <c>"host[:port]=region,…"</c> for the Redis data nodes (not the Sentinels), e.g.
    /// <c>"redis-a:6379=a,redis-b:6379=b,redis-w:6379=w"</c>, matched against <c>Instance:Region</c>: the instance opens a
    /// direct connection (<see cref="RedisConnections.LocalReads"/>) to the nodes of its own region, for reads that check
    /// what they got (docs/sessions-and-keyring.md, "Reads from the own region's node"). Unset, or no node in the
    /// instance's region: no such connection, reads go to the primary.
    /// </summary>
    public string? NodeRegions { get; set; }
}
