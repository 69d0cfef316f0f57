namespace StatelessApp.Stack.Processes;

/// <summary>
/// How to start one server: the program, its arguments and environment, its working folder, and the user to run
/// it as (PostgreSQL refuses root, so Patroni and its postgres run as "postgres" when the stack runs as root).
/// </summary>
public sealed record LaunchSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Run as this user (only switched when the controller is root); null = the controller's user.</summary>
    public string? RunAsUser { get; init; }

    /// <summary>The file-creation mask (octal, e.g. "077"); null keeps the controller's. PostgreSQL refuses a data folder
    /// that others can read, and pg_basebackup creates it with the mask it inherits.</summary>
    public string? Umask { get; init; }

    /// <summary>The cgroup v2 folder the server runs in, placed there before it runs (its site's: <see cref="Distance.SiteCgroups"/>); null keeps the controller's.</summary>
    public string? Cgroup { get; init; }
}
