namespace StatelessApp.TemplateTests;

/// <summary>What a finished command printed (stdout and stderr interleaved) and how it ended.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>A failure message that carries everything needed to see why, without rerunning.</summary>
    public string Explain() => $"{Command} exited {ExitCode} after {Duration.TotalSeconds:F1} s:\n{Output}";
}
