using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Health;

namespace StatelessApp.Hosting.Telemetry;

/// <summary>
/// Requests that produce no trace: the proxies probe health every 500 ms and Prometheus scrapes every second, so
/// their spans would bury the requests of shoppers.
/// </summary>
internal static class TelemetryNoise
{
    public static bool IsProbeOrScrape(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(TelemetryExtensions.MetricsPath, StringComparison.OrdinalIgnoreCase);
    }
}
