namespace StatelessApp.Stack.Processes;

/// <summary>
/// The postgres account, which PostgreSQL and the tools that touch its files (pgBackRest) run as: a controller running
/// as root hands files to it and runs those tools through setpriv; as any other user, everything stays that user's.
/// </summary>
public static class ServiceAccount
{
    public const string Postgres = "postgres";

    /// <summary>Gives <paramref name="path"/> (and with <paramref name="recursive"/> everything in it) to postgres.</summary>
    public static void Own(string path, bool recursive = false)
    {
        if (!Servers.HostTools.IsRoot)
        {
            return;
        }

        using var chown = System.Diagnostics.Process.Start("chown", recursive ? ["-R", $"{Postgres}:{Postgres}", path] : [$"{Postgres}:{Postgres}", path]);
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {Postgres} {path} failed");
        }
    }

    /// <summary>The program and arguments that run <paramref name="program"/> as postgres.</summary>
    public static (string Program, IReadOnlyList<string> Arguments) Command(string program, IReadOnlyList<string> arguments) =>
        Servers.HostTools.IsRoot
            ? ("setpriv", [$"--reuid={Postgres}", $"--regid={Postgres}", "--init-groups", program, .. arguments])
            : (program, arguments);
}
