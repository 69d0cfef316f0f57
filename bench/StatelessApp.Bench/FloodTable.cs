using System.Globalization;
using System.Text;

namespace StatelessApp.Bench;

/// <summary>The flood configuration's part of the printed report: both phases, the ratio, the flood's answers, Redis memory.</summary>
public static class FloodTable
{
    public static string Render(FloodMeasurement flood)
    {
        ArgumentNullException.ThrowIfNull(flood);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"flood: {flood.OtherShoppers} other shoppers, each from its own address, at a person's pace (catalogue, add to cart, cart, {flood.OtherShoppersPause.TotalSeconds:0} s pause); shipped limits"));
        text.AppendLine(Invariant($"{"phase",-10}{"seconds",8}{"requests",10}{"p50 ms",9}{"p99 ms",9}{"max ms",9}{"failed",8}"));
        foreach (var phase in new[] { flood.Unloaded, flood.Flooded })
        {
            text.AppendLine(Invariant($"{phase.Name,-10}{phase.Seconds,8:0.0}{phase.Requests,10}{phase.P50Milliseconds,9:0.0}{phase.P99Milliseconds,9:0.0}{phase.MaxMilliseconds,9:0.0}{phase.Failures,8}"));
        }

        text.AppendLine(Invariant($"p99 flood / p99 unloaded: {flood.P99Ratio:0.00} (target <= {FloodMeasurement.P99Target:0})"));
        var statuses = string.Join(", ", flood.FloodStatuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"));
        var refusedBy = string.Join(", ", flood.FloodRefusedBy.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"));
        text.AppendLine(Invariant($"the flood: {flood.FloodRequests} cookie-less POST /api/cart/items in {flood.FloodSeconds:0.0} s ({flood.FloodRequestsPerSecond:0} req/s, {flood.FloodConnections} connections, at most {flood.FloodRequestLimit}): {statuses}"));
        text.AppendLine($"  429s by limit: {(refusedBy.Length == 0 ? "none" : refusedBy)}");
        text.AppendLine(Invariant($"Redis used_memory peak: {flood.RedisUsedMemoryPeakUnloaded / 1048576.0:0.0} MB unloaded, {flood.RedisUsedMemoryPeakFlooded / 1048576.0:0.0} MB flooded, of maxmemory {flood.RedisMaxMemory / 1048576.0:0} MB ({flood.RedisSamples} samples, {flood.RedisSamplesMissed} unanswered within 1 s)"));
        foreach (var failure in flood.OtherFailures)
        {
            text.AppendLine("  other shopper failed: " + failure);
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
