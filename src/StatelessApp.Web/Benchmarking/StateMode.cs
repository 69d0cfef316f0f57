namespace StatelessApp.Web.Benchmarking;

/// <summary>
/// Where the session and the DataProtection key ring live. <see cref="Stateless"/> is the app as shipped; the other
/// two exist only so that bench/ can measure what statelessness costs, with everything else unchanged.
/// </summary>
public enum StateMode
{
    /// <summary>As shipped: this project's Redis session store and the key ring in Redis.</summary>
    Stateless,

    /// <summary>
    /// Benchmark only: Microsoft's session middleware over an in-process memory cache and a key ring that lives and
    /// dies with the process. Needs sticky routing, and every restart logs all users out: never run it in production.
    /// </summary>
    Stateful,

    /// <summary>Benchmark only: Microsoft's session middleware over its RedisCache provider, key ring in Redis.</summary>
    StockRedis,
}
