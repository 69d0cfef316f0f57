using System.Globalization;
using System.Text;

namespace StatelessApp.Bench;

/// <summary>The distance table in Markdown (printed, written to distance.md, quoted by docs/latency.md).</summary>
public static class DistanceTable
{
    public static string Render(DistanceReport report)
    {
        var before = report.Before;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"`bench/run --distance` at commit {report.Commit}, {before.TakenAt:yyyy-MM-dd HH:mm} to {report.After.TakenAt:HH:mm} UTC: {report.RequestsPerCell} requests a cell after a warm-up, {report.Concurrency} at a time, regions a and b 0 ms and {report.RoundTripMilliseconds:0} ms apart (the witness 0 ms and its configured round trips); the app {BenchConfiguration.Distance.Description}."));
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {before.Cores} cores ({before.Cpu}), {before.MemoryTotal} RAM, {before.OperatingSystem}, kernel {before.Kernel}, {before.Runtime}. Load average (1/5/15 min) before: {before.LoadAverage}; after: {report.After.LoadAverage}."));
        text.AppendLine();
        text.AppendLine("| scenario | entry | RTT a↔b | p50 ms | p99 ms | added p50 ms | added p50 / RTT | per request: counted on each server (region, local/remote to the entry) | remote/req | errors |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var cell in report.Cells)
        {
            var added = report.AddedP50(cell);
            var counts = cell.Counts.Count == 0
                ? "nothing"
                : string.Join("; ", cell.Counts.Select(c => Invariant($"{c.PerRequest:0.##} {c.What} on {c.Server} ({c.Region}, {(c.Remote ? "remote" : "local")})")));
            var errors = cell.ServedElsewhere > 0 ? Invariant($"{cell.Errors} ({cell.ServedElsewhere} served in the other region)") : Invariant($"{cell.Errors}");
            text.AppendLine(Invariant(
                $"| {cell.Scenario} | {cell.Entry} | {cell.RoundTripMilliseconds:0} ms | {cell.P50Milliseconds:0.0} | {cell.P99Milliseconds:0.0} | {Figure(added, "0.0")} | {Figure(report.AddedP50InRoundTrips(cell), "0.00")} | {counts} | {cell.RemotePerRequest:0.##} | {errors} |"));
        }

        text.AppendLine();
        text.AppendLine("Latency is the client's (a process in no site: not delayed itself) through the proxy of the entry region; only the app instance of that region runs behind it. "
            + "Counts are the servers' own (Redis `INFO commandstats` on the primary, `pg_stat_statements` per node), background work excluded; a statement is not always a round trip of its own (Npgsql may batch).");
        return text.ToString();
    }

    private static string Figure(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
