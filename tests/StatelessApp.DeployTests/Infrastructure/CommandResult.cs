namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>What a finished command printed and how it exited.</summary>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Both streams: what a user would see on the terminal.</summary>
    public string Output => StandardOutput + StandardError;

    public override string ToString() => $"{Command} → exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
