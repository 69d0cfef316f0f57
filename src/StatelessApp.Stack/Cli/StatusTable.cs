using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Cli;

/// <summary>Formats `stack status`: one row per node, then which Redis and PostgreSQL nodes are primary now.</summary>
public static class StatusTable
{
    public static string Format(IReadOnlyList<NodeStatus> rows)
    {
        string[] header = ["NAME", "KIND", "REGION", "ADDRESS", "ROLE", "HEALTH", "PID", "DETAIL"];
        var cells = rows.Select(r => new[]
        {
            r.Node.Name,
            r.Node.Kind.ToString().ToLowerInvariant(),
            r.Node.Region,
            r.Node.Endpoint,
            r.Probe.Role == ServerRole.None ? "-" : r.Probe.Role.ToString().ToLowerInvariant(),
            r.Health,
            r.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            r.IsRunning || r.Probe.Healthy ? r.Probe.Detail : "",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var lines = new List<string> { Row(header, widths) };
        lines.AddRange(cells.Select(c => Row(c, widths)));
        lines.Add("");
        lines.Add($"Redis primary:      {Primaries(rows, NodeKind.Redis)}");
        lines.Add($"PostgreSQL primary: {Primaries(rows, NodeKind.Postgres)}");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Primaries(IReadOnlyList<NodeStatus> rows, NodeKind kind)
    {
        var primaries = rows.Where(r => r.Node.Kind == kind && r.Probe.Healthy && r.Probe.IsPrimary).Select(r => $"{r.Node.Name} ({r.Node.Endpoint})").ToList();
        return primaries.Count switch
        {
            0 => "none",
            1 => primaries[0],
            _ => string.Join(" and ", primaries) + " (more than one: a failover is in progress)",
        };
    }

    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
