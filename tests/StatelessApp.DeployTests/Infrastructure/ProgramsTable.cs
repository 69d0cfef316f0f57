namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>One row of deploy/local/programs.txt: a program, its Debian package ("-": none), where it is looked for, who starts it.</summary>
public sealed record ProgramRow(string Program, string Package, string Where, string StartedBy);

/// <summary>deploy/local/programs.txt as install-prerequisites.sh reads it: whitespace columns, the last one the rest of the line.</summary>
public static class ProgramsTable
{
    public static IReadOnlyList<ProgramRow> Load() => Load("local");

    /// <summary>deploy/images/programs.txt: the programs that build the images (the compose tests start them too).</summary>
    public static IReadOnlyList<ProgramRow> LoadImages() => Load("images");

    private static IReadOnlyList<ProgramRow> Load(string folder) =>
    [
        .. File.ReadAllLines(Repository.PathOf("deploy", folder, "programs.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries))
            .Select(columns => new ProgramRow(columns[0], columns[1], columns[2], columns.Length > 3 ? columns[3].Trim() : "")),
    ];

    /// <summary>The table as docs/local-stack.md shows it.</summary>
    public static string Markdown(IEnumerable<ProgramRow> rows) =>
        string.Join('\n',
        [
            "| program | Debian package | found in | started by |",
            "|---|---|---|---|",
            .. rows.Select(r => $"| `{r.Program}` | {(r.Package == "-" ? "none" : r.Package)} | {(r.Where switch { "pg" => "/usr/lib/postgresql/&lt;version&gt;/bin", "include" => "/usr/include (a C header)", _ => "PATH" })} | {r.StartedBy} |"),
        ]);
}
