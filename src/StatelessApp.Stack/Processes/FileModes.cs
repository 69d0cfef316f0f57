namespace StatelessApp.Stack.Processes;

/// <summary>Unix permissions for files that hold passwords and for PostgreSQL's private folders.</summary>
public static class FileModes
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Sets the mode (the stack runs on Linux; on Windows, where there are no such modes, nothing to do).</summary>
    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
