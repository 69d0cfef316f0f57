using System.Text.RegularExpressions;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Replaces ${UPPER_CASE} placeholders, as `envsubst` does with an explicit variable list: lowercase and brace-less
/// `$vars` (nginx's own) are left alone, and a placeholder without a value is an error, never an empty string.
/// </summary>
public static partial class ConfigTemplate
{
    [GeneratedRegex(@"\$\{(?<name>[A-Z][A-Z0-9_]*)\}")]
    private static partial Regex Placeholder();

    public static string Render(string template, IReadOnlyDictionary<string, string> variables, string templateName)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var rendered = Placeholder().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            if (variables.TryGetValue(name, out var value))
            {
                return value;
            }

            missing.Add(name);
            return match.Value;
        });
        return missing.Count > 0
            ? throw new InvalidOperationException($"{templateName}: no value for {string.Join(", ", missing)}")
            : rendered;
    }

    /// <summary>Writes the rendered template; files holding passwords are created readable by their owner only.</summary>
    public static void RenderToFile(string templatePath, string target, IReadOnlyDictionary<string, string> variables, bool secret = false)
    {
        var text = Render(File.ReadAllText(templatePath), variables, templatePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, text);
        if (secret)
        {
            Processes.FileModes.Set(target, Processes.FileModes.OwnerReadWrite);
        }
    }

    /// <summary>Reads a KEY=VALUE file whose values are taken verbatim (deploy/etcd/etcd.env).</summary>
    public static IReadOnlyDictionary<string, string> ReadEnvFile(string path) =>
        File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('=', StringComparison.Ordinal))
            .ToDictionary(
                line => line[..line.IndexOf('=', StringComparison.Ordinal)],
                line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..],
                StringComparer.Ordinal);
}
