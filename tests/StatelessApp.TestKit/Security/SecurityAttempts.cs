using System.Text.RegularExpressions;

namespace StatelessApp.TestKit.Security;

/// <summary>
/// What the security tests tried against the real servers and what answered: one markdown row per attempt, appended to
/// the file named by STATELESS_SECURITY_TABLE (tests/run sets it and prints the table at the end of the run, the table
/// docs/security.md holds), or to security-attempts.md next to the test assembly when a suite runs alone.
/// </summary>
public static partial class SecurityAttempts
{
    public const string TableVariable = "STATELESS_SECURITY_TABLE";

    private const int MaxAnswerLength = 140;

    private static readonly Lock Gate = new();

    /// <summary>The file rows go to.</summary>
    public static string TableFile =>
        Environment.GetEnvironmentVariable(TableVariable) is { Length: > 0 } file ? file : Path.Combine(AppContext.BaseDirectory, "security-attempts.md");

    /// <summary>
    /// Records one attempt. <paramref name="answer"/> is what the server said (an error message, a status line), cut to one
    /// short line; <paramref name="refused"/> is the test's verdict, which the test asserts as well.
    /// </summary>
    public static void Record(string link, string attempt, string answer, bool refused)
    {
        var row = $"| {Cell(link)} | {Cell(attempt)} | {Cell(answer)} | {(refused ? "refused" : "**not refused**")} |\n";
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(TableFile))!);
            File.AppendAllText(TableFile, row);
        }
    }

    /// <summary>One line, no table syntax, bounded: server messages can be long and contain anything.</summary>
    private static string Cell(string text)
    {
        var line = Whitespace().Replace(text, " ").Trim().Replace("|", "\\|", StringComparison.Ordinal);
        return line.Length <= MaxAnswerLength ? line : line[..(MaxAnswerLength - 1)] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
