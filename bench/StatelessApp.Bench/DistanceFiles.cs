using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatelessApp.Bench;

/// <summary>distance.md (the table as printed, for docs/latency.md) and distance.json (every cell and count) of a distance run.</summary>
public static class DistanceFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<IReadOnlyList<string>> WriteAsync(DistanceReport report, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var markdown = Path.Combine(folder, "distance.md");
        var json = Path.Combine(folder, "distance.json");
        await File.WriteAllTextAsync(markdown, DistanceTable.Render(report), cancellationToken);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken);
        return [markdown, json];
    }
}
