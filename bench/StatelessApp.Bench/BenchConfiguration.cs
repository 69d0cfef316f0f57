namespace StatelessApp.Bench;

/// <summary>One build of the app under test: the value of its benchmark-only <c>StateMode</c> setting.</summary>
public sealed record BenchConfiguration(string Name, string StateMode, string Description)
{
    public static readonly BenchConfiguration Stateless =
        new("stateless", "Stateless", "as shipped: session store and key ring in Redis");

    public static readonly BenchConfiguration Stateful =
        new("stateful", "Stateful", "in-memory session (stock middleware) and a process-local key ring");

    public static readonly BenchConfiguration StockRedis =
        new("stock-redis", "StockRedis", "stateless with Microsoft's RedisCache session provider");

    /// <summary>In run order; the first is the one the ratios are about.</summary>
    public static readonly IReadOnlyList<BenchConfiguration> All = [Stateless, Stateful, StockRedis];
}
