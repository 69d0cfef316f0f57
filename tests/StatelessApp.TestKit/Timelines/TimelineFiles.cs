using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatelessApp.TestKit.Timelines;

/// <summary>
/// Writes a timeline next to the data it was drawn from: NAME.svg (the image), NAME.json (the whole <see cref="Timeline"/>:
/// series, marks, lanes) and NAME.csv (one row per second: every outcome's and every region's count).
/// </summary>
public static class TimelineFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new SecondsConverter() },
    };

    /// <summary>Writes the three files and returns the image's path.</summary>
    public static string Write(Timeline timeline, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var image = Path.Combine(folder, name + ".svg");
        File.WriteAllText(image, TimelineSvg.Render(timeline));
        File.WriteAllText(Path.Combine(folder, name + ".json"), JsonSerializer.Serialize(timeline, Json));
        File.WriteAllText(Path.Combine(folder, name + ".csv"), Csv(timeline));
        return image;
    }

    public static string Csv(Timeline timeline)
    {
        var columns = timeline.Outcomes.Concat(timeline.Regions).ToList();
        var text = new StringBuilder();
        var header = timeline.Outcomes.Select(s => Quote("outcome " + s.Name)).Concat(timeline.Regions.Select(s => Quote("region " + s.Name)));
        text.AppendLine("second," + string.Join(",", header));
        for (var second = 0; second < timeline.Seconds; second++)
        {
            var s = second;
            var counts = columns.Select(c => (s < c.PerSecond.Count ? c.PerSecond[s] : 0).ToString(CultureInfo.InvariantCulture));
            text.AppendLine(s.ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", counts));
        }

        return text.ToString();
    }

    /// <summary>A file name made of a drill's title: lower case letters and digits, runs of anything else as one hyphen.</summary>
    public static string NameOf(string title)
    {
        var name = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        return name.ToString().TrimEnd('-');
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    /// <summary>Times as seconds (a number), which is what a reader of the data plots.</summary>
    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
    }
}
