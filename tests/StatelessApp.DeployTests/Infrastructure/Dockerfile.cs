namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>A Dockerfile read as instructions (continuation lines joined, comments dropped), split into stages.</summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> instructions) => Instructions = instructions;

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    public static Dockerfile Load(string relativePath)
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(Repository.PathOf(relativePath)))
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

        return new Dockerfile(instructions);
    }

    /// <summary>The instructions of the stage named <paramref name="name"/> (FROM ... AS name), FROM excluded.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> Stage(string name)
    {
        var start = Instructions.ToList().FindIndex(i => i.Instruction == "FROM" && i.Arguments.EndsWith($" AS {name}", StringComparison.OrdinalIgnoreCase));
        Assert.True(start >= 0, $"no stage '{name}'");
        return [.. Instructions.Skip(start + 1).TakeWhile(i => i.Instruction != "FROM")];
    }

    /// <summary>The image a stage starts from.</summary>
    public string BaseImageOf(string stage) =>
        Instructions.Single(i => i.Instruction == "FROM" && i.Arguments.EndsWith($" AS {stage}", StringComparison.OrdinalIgnoreCase)).Arguments.Split(' ')[0];

    public string Only(string instruction) => Instructions.Single(i => i.Instruction == instruction).Arguments;
}
