namespace StatelessApp.Stack.Processes;

/// <summary>Unix permissions for files that hold passwords and keys, and for PostgreSQL's private folders.</summary>
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

    /// <summary>
    /// Writes <paramref name="content"/> readable by its owner only: the file is created with mode 600 before anything
    /// is written (a secret is never readable by others, not even briefly) and moved into place whole.
    /// </summary>
    public static void WritePrivate(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        // UnixCreateMode applies only to a new file: a temporary left behind by a crash keeps its old mode otherwise.
        Set(temporary, OwnerReadWrite);
        File.Move(temporary, path, overwrite: true);
    }
}
