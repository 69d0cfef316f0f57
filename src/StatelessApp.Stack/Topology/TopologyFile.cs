using System.Text.RegularExpressions;

namespace StatelessApp.Stack.Topology;

/// <summary>
/// Reads the KEY=VALUE format of deploy/topology.env: one assignment a line, '#' comments, no quotes and no
/// expansion, so that bash (`source`), docker-compose (`env_file`) and this parser all read the same values.
/// </summary>
public static partial class TopologyFile
{
    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex KeyPattern();

    /// <summary>Parses the text; throws <see cref="TopologyException"/> naming each bad line.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add($"line {lineNumber}: expected KEY=VALUE, got '{line}'");
                continue;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (!KeyPattern().IsMatch(key))
            {
                errors.Add($"line {lineNumber}: '{key}' is not a valid key (upper case letters, digits and '_')");
            }
            else if (value.Contains('"', StringComparison.Ordinal) || value.Contains('\'', StringComparison.Ordinal) || value.Contains('$', StringComparison.Ordinal))
            {
                errors.Add($"line {lineNumber}: {key} has quotes or '$' in its value; the file is read without quoting or expansion");
            }
            else if (!values.TryAdd(key, value))
            {
                errors.Add($"line {lineNumber}: {key} is set twice");
            }
        }

        return errors.Count > 0 ? throw new TopologyException(errors) : values;
    }

    /// <summary>
    /// Reads the file and applies overrides (typically the process environment) to the keys the file defines;
    /// an override for a key the file does not know is ignored, so unrelated environment variables do no harm.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Read(string path, IReadOnlyDictionary<string, string>? overrides = null)
    {
        if (!File.Exists(path))
        {
            throw new TopologyException($"topology file {path} does not exist");
        }

        var values = new Dictionary<string, string>(Parse(File.ReadAllText(path)), StringComparer.Ordinal);
        if (overrides is not null)
        {
            foreach (var key in values.Keys.ToList())
            {
                if (overrides.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
                {
                    values[key] = value.Trim();
                }
            }
        }

        return values;
    }
}
