namespace StatelessApp.Bench.Host;

/// <summary>
/// Where this bench-only host keeps the session and the DataProtection key ring. The stateless baseline is not one of
/// them: it is the shipped app itself (src/StatelessApp.Web), so the bench measures exactly what ships.
/// </summary>
public enum StateMode
{
    /// <summary>
    /// Microsoft's session middleware over an in-process memory cache and a key ring that lives and dies with the
    /// process. Needs sticky routing, and every restart logs all users out: never run it in production.
    /// </summary>
    Stateful,

    /// <summary>Microsoft's session middleware over its RedisCache provider, key ring in Redis.</summary>
    StockRedis,
}
