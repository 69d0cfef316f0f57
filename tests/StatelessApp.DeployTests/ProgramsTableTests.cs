using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/local/programs.txt is the one list of the programs the code starts: the installer installs and checks it,
/// so a program missing from it is a program a fresh machine does not have.
/// </summary>
public sealed partial class ProgramsTableTests
{
    [Fact]
    public void Every_program_the_code_starts_is_in_the_table()
    {
        var listed = ProgramsTable.Load().Concat(ProgramsTable.LoadImages()).Select(r => r.Program).ToHashSet(StringComparer.Ordinal);
        var started = ProgramsStartedByTheCode();

        Assert.NotEmpty(started);
        var missing = started.Where(s => !listed.Contains(s.Program)).Select(s => $"{s.Program} ({s.File})").Distinct().ToList();
        Assert.True(missing.Count == 0, $"started by the code but not in deploy/local/programs.txt or deploy/images/programs.txt: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_programs_the_tests_need_most_are_listed_with_their_packages()
    {
        var rows = ProgramsTable.Load().ToDictionary(r => r.Program, StringComparer.Ordinal);

        Assert.Equal("iptables", rows["iptables"].Package);
        Assert.Equal("pg", rows["initdb"].Where);
        Assert.All(rows.Values, r => Assert.False(string.IsNullOrEmpty(r.StartedBy), $"{r.Program}: who starts it?"));
        Assert.All(rows.Values, r => Assert.Contains(r.Where, (string[])["PATH", "pg", "include"]));
        Assert.Equal("include", rows["libnetfilter_queue/libnetfilter_queue.h"].Where);
    }

    [Fact]
    public void The_docs_show_the_table()
    {
        var expected = ProgramsTable.Markdown(ProgramsTable.Load());
        var docs = File.ReadAllText(Repository.PathOf("docs", "local-stack.md")).ReplaceLineEndings("\n");

        Assert.True(docs.Contains(expected, StringComparison.Ordinal), $"docs/local-stack.md must contain this table (from deploy/local/programs.txt):\n{expected}");
    }

    /// <summary>The first argument of the ways this code starts a process, in every C# file of src/, tests/ and bench/.</summary>
    private static List<(string Program, string File)> ProgramsStartedByTheCode()
    {
        var found = new List<(string, string)>();
        foreach (var file in RepositoryFiles.List(Repository.Root)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) && (f.StartsWith("src/", StringComparison.Ordinal) || f.StartsWith("tests/", StringComparison.Ordinal) || f.StartsWith("bench/", StringComparison.Ordinal))))
        {
            var text = File.ReadAllText(Repository.PathOf(file));
            foreach (Match match in StartedProgram().Matches(text))
            {
                found.Add((Path.GetFileName(match.Groups["program"].Value), file));
            }

            if (text.Contains("LaunchSpec", StringComparison.Ordinal))
            {
                found.AddRange(LaunchedProgram().Matches(text).Select(m => (m.Groups["program"].Value, file)));
            }
        }

        return found;
    }

    // new ProcessStartInfo("NAME"…, Process.Start("NAME"…, RunAsync("NAME", …) of CommandRunner/CommandLine/PostgresCommands, Tool("NAME").
    [GeneratedRegex("""(?:ProcessStartInfo\(|Process\.Start\(|RunAsync\(|Tool\()\s*"(?<program>/?[a-z][\w./-]*)"\s*[,)]""")]
    private static partial Regex StartedProgram();

    // A server's launch: new LaunchSpec("NAME", [ … or new("NAME", [ … in a file that builds LaunchSpecs.
    [GeneratedRegex("""new(?: LaunchSpec)?\(\s*"(?<program>[a-z][\w.-]*)",\s*\[""")]
    private static partial Regex LaunchedProgram();
}
