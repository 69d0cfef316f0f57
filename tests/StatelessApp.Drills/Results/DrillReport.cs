using System.Globalization;
using System.Text;

namespace StatelessApp.Drills.Results;

/// <summary>
/// Collects the drills' results in run order and rewrites the table after each drill (.stack/drills/results.md), so an
/// interrupted run still leaves the drills done so far. `tests/drills` prints that file.
/// </summary>
public static class DrillReport
{
    private static readonly List<DrillResult> Results = [];
    private static readonly Lock Gate = new();

    public static string Add(DrillResult result, string folder)
    {
        lock (Gate)
        {
            Results.RemoveAll(r => r.Drill == result.Drill);
            Results.Add(result);
            var text = Format(Results);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "results.md"), text);
            return text;
        }
    }

    public static string Format(IReadOnlyList<DrillResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Drills run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}; 8 shoppers per drill through the DNS name with the failover-capable client.");
        text.AppendLine();
        text.AppendLine("| drill | s | requests | not ok (by final status) | unknown writes | acked orders (lost) | duplicate orders | sessions lost | cookies not decrypting | checkout back after s | cart back after s | PG / Redis writable again after s | 2 writable PG / Redis (rounds) | served by a / b | alerts fired | measured |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Drill} | {r.Seconds:0} | {r.Requests} | {r.FormatNotOk()} | {r.Unknown} | {r.AcknowledgedOrders} ({r.AcknowledgedOrdersLost}) | {r.DuplicateOrders} | {r.SessionsLost} | {r.CookiesNotDecrypting} | {DrillResult.Seconds1(r.DatabaseWritesBackAfter)} | {DrillResult.Seconds1(r.SessionWritesBackAfter)} | {DrillResult.Seconds1(r.PostgresWritableAfter)} / {DrillResult.Seconds1(r.RedisWritableAfter)} | {r.PostgresTwoPrimaryRounds} / {r.RedisTwoPrimaryRounds} (of {r.WatchRounds}) | {r.ServedByA} / {r.ServedByB} | {(r.AlertsFired.Count == 0 ? "none" : string.Join(", ", r.AlertsFired))} | {(r.Measured.Length == 0 ? "-" : r.Measured)} |");
        }

        var notes = results.Where(r => r.Notes.Length > 0).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var r in notes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Drill}: {r.Notes}");
            }
        }

        return text.ToString();
    }

    public static string Machine()
    {
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux"
            : "Linux";
        return $"{Environment.ProcessorCount} cores, {os}";
    }
}
