using System.Text.RegularExpressions;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>A Dockerfile read as instructions (continuation lines joined, comments dropped), split into stages.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<string> directives, IReadOnlyList<(string Instruction, string Arguments)> instructions)
    {
        Path = path;
        Directives = directives;
        Instructions = instructions;
    }

    /// <summary>Relative to the repository root.</summary>
    public string Path { get; }

    /// <summary>The parser directives at the top (`# syntax=…`, `# escape=…`), as written.</summary>
    public IReadOnlyList<string> Directives { get; }

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    /// <summary>Every Dockerfile of the repository: files named Dockerfile or *.Dockerfile.</summary>
    public static IReadOnlyList<string> AllPaths =>
    [
        // The deployment's images; a test's own image (the three-host test's stand-in host) ships to nobody.
        .. RepositoryFiles.List(Repository.Root)
            .Where(f => System.IO.Path.GetFileName(f) == "Dockerfile" || f.EndsWith(".Dockerfile", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("tests/", StringComparison.Ordinal)),
    ];

    public static Dockerfile Load(string relativePath)
    {
        var lines = File.ReadAllLines(Repository.PathOf(relativePath));
        var directives = lines.TakeWhile(l => l.StartsWith('#')).Where(l => Directive().IsMatch(l)).ToList();
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            pending += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\'))
            {
                continue;
            }

            var space = pending.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add((pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim()));
            pending = "";
        }

        return new Dockerfile(relativePath, directives, instructions);
    }

    /// <summary>The ARGs declared before the first FROM (the only ones a FROM can use), with their defaults.</summary>
    public IReadOnlyDictionary<string, string?> GlobalArgs =>
        Instructions.TakeWhile(i => i.Instruction != "FROM").Where(i => i.Instruction == "ARG")
            .Select(i => i.Arguments.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length == 2 ? parts[1] : null, StringComparer.Ordinal);

    /// <summary>Each FROM: the image as written, the stage name (null: none), and the image as built by default.</summary>
    public IReadOnlyList<(string Written, string? Stage, string Default)> Froms =>
    [
        .. Instructions.Where(i => i.Instruction == "FROM").Select(i =>
        {
            var parts = i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var stage = parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
            return (parts[0], stage, Resolve(parts[0]));
        }),
    ];

    /// <summary>The instructions of the stage named <paramref name="name"/> (FROM ... AS name), FROM excluded.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> Stage(string name)
    {
        var start = Instructions.ToList().FindIndex(i => i.Instruction == "FROM" && i.Arguments.EndsWith($" AS {name}", StringComparison.OrdinalIgnoreCase));
        Assert.True(start >= 0, $"no stage '{name}'");
        return [.. Instructions.Skip(start + 1).TakeWhile(i => i.Instruction != "FROM")];
    }

    /// <summary>The image a stage starts from by default (its FROM's build argument replaced by the argument's default).</summary>
    public string BaseImageOf(string? stage) => Froms.Single(f => string.Equals(f.Stage, stage, StringComparison.OrdinalIgnoreCase)).Default;

    public string Only(string instruction) => Instructions.Single(i => i.Instruction == instruction).Arguments;

    /// <summary>The user the image runs as: the last USER instruction.</summary>
    public string? FinalUser => Instructions.LastOrDefault(i => i.Instruction == "USER").Arguments;

    /// <summary>`${NAME}` or `$NAME` as the global ARG's default; anything else as written.</summary>
    private string Resolve(string word)
    {
        var name = word.StartsWith("${", StringComparison.Ordinal) && word.EndsWith('}') ? word[2..^1] : word.StartsWith('$') ? word[1..] : null;
        if (name is null)
        {
            return word;
        }

        Assert.True(GlobalArgs.TryGetValue(name, out var value) && value is not null, $"{Path}: FROM {word} has no ARG {name} with a default before the first FROM");
        return value!;
    }

    [GeneratedRegex(@"^#\s*(syntax|escape|check)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex Directive();
}
