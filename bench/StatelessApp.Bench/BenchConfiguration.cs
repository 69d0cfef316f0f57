namespace StatelessApp.Bench;

/// <summary>
/// One build of the app under test. <see cref="StateMode"/> null is the shipped app itself (src/StatelessApp.Web, as
/// `./stack up` publishes it); otherwise the bench-only host (bench/StatelessApp.Bench.Host) in that mode.
/// </summary>
public sealed record BenchConfiguration(string Name, string? StateMode, string Description)
{
    /// <summary>TLS on every link between nodes (the shipped stack); false runs on the plaintext twin stack.</summary>
    public bool Tls { get; init; } = true;

    public static readonly BenchConfiguration Stateless =
        new("stateless", null, "as shipped: session store and key ring in Redis");

    public static readonly BenchConfiguration Stateful =
        new("stateful", "Stateful", "in-memory session (stock middleware) and a process-local key ring");

    public static readonly BenchConfiguration StockRedis =
        new("stock-redis", "StockRedis", "stateless with Microsoft's RedisCache session provider");

    /// <summary>The app's shipped rate limits (RateLimits:* defaults) instead of raised out of the way: only the flood is about them.</summary>
    public bool ShippedLimits { get; init; }

    public static readonly BenchConfiguration Flood =
        new("flood", null, "as shipped, shipped limits: other shoppers' p99 unloaded, then while one client floods (measured once, after the rounds)") { ShippedLimits = true };

    public static readonly BenchConfiguration Plaintext =
        new("plaintext", null, "as shipped, on a twin stack whose links between nodes are all plaintext: what TLS costs") { Tls = false };

    /// <summary>OpenTelemetry, /metrics and the request rates on (the shipped default); false runs the app with <c>Telemetry:Enabled=false</c>.</summary>
    public bool Telemetry { get; init; } = true;

    public static readonly BenchConfiguration TelemetryOff =
        new("telemetry-off", null, "as shipped with Telemetry:Enabled=false: no OpenTelemetry SDK, no /metrics, no OTLP export, no request rates: what telemetry costs") { Telemetry = false };

    /// <summary>App settings this build runs with on top of the shipped ones (configuration form, e.g. "Sessions:VersionedCookies").</summary>
    public IReadOnlyDictionary<string, string> AppSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The distance table's build (`--distance`, not a round): the shipped app with the session version in the cookie,
    /// which this release reads and the next one writes by default (docs/sessions-and-keyring.md, "Local reads").
    /// </summary>
    public static readonly BenchConfiguration Distance =
        new("distance", null, "as shipped, with Sessions:VersionedCookies=true (the next release's default): session reads from the region's own replica")
        {
            AppSettings = new Dictionary<string, string> { ["Sessions:VersionedCookies"] = "true" },
        };

    /// <summary>In run order; the first is the one the ratios are about.</summary>
    public static readonly IReadOnlyList<BenchConfiguration> All = [Stateless, Stateful, StockRedis, Plaintext, Flood, TelemetryOff];

    /// <summary>The builds compared by wrk's scenarios, round by round (all but the flood, which has its own baseline).</summary>
    public bool Compared => this != Flood;

    /// <summary>The configuration named <paramref name="name"/>, or null.</summary>
    public static BenchConfiguration? Named(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>How the progress lines name the build.</summary>
    public string Build => (StateMode is null ? "the shipped app" : $"the bench host, StateMode={StateMode}") + (Tls ? "" : ", plaintext twin stack") + (ShippedLimits ? ", shipped rate limits" : "") + (Telemetry ? "" : ", Telemetry:Enabled=false")
        + string.Concat(AppSettings.Select(setting => $", {setting.Key}={setting.Value}"));
}
