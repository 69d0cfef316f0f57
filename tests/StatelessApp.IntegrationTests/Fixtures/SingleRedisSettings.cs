namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// The fixtures' Redis is one server without replicas: the settings an app needs for that, made explicit here
/// because the library's defaults (one replica must confirm every session change and new key) are those of a
/// two-region deployment. Tests of the replicated path use <see cref="RedisReplicaPair"/> instead.
/// </summary>
public static class SingleRedisSettings
{
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>
    {
        ["Sessions:RequiredReplicas"] = "0",
        ["KeyRing:RequiredReplicas"] = "0",
    };
}
