namespace StatelessApp.Bench;

/// <summary>
/// One build of the app under test. <see cref="StateMode"/> null is the shipped app itself (src/StatelessApp.Web, as
/// `./stack up` publishes it); otherwise the bench-only host (bench/StatelessApp.Bench.Host) in that mode.
/// </summary>
public sealed record BenchConfiguration(string Name, string? StateMode, string Description)
{
    public static readonly BenchConfiguration Stateless =
        new("stateless", null, "as shipped: session store and key ring in Redis");

    public static readonly BenchConfiguration Stateful =
        new("stateful", "Stateful", "in-memory session (stock middleware) and a process-local key ring");

    public static readonly BenchConfiguration StockRedis =
        new("stock-redis", "StockRedis", "stateless with Microsoft's RedisCache session provider");

    /// <summary>In run order; the first is the one the ratios are about.</summary>
    public static readonly IReadOnlyList<BenchConfiguration> All = [Stateless, Stateful, StockRedis];

    /// <summary>How the progress lines name the build.</summary>
    public string Build => StateMode is null ? "the shipped app" : $"the bench host, StateMode={StateMode}";
}
