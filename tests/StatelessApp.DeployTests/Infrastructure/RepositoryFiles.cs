namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// The repository's own files (relative, '/'-separated), with or without git: a solution fresh from
/// `dotnet new stateless-app` is not a git repository yet, and its `./stack test` must pass all the same.
/// In a git work tree: what git sees (`git ls-files --cached --others --exclude-standard`: tracked files and new ones
/// that .gitignore does not exclude, so a script counts before it is committed). Otherwise: every file, minus the
/// folders in <see cref="SkippedFolders"/> (a fixed list rather than a .gitignore parser; it covers what
/// .gitignore and .dockerignore exclude as build output and local state).
/// </summary>
public static class RepositoryFiles
{
    /// <summary>Build output, local state and tool folders, skipped at any depth outside git (deploy/deploy-region.sh's bundle skips the same).</summary>
    public static IReadOnlyList<string> SkippedFolders { get; } = ["bin", "obj", ".git", ".stack", "TestResults", "artifacts", ".vs", ".idea", "secrets"];

    public static IReadOnlyList<string> List(string root) => IsGitWorkTree(root) ? ListWithGit(root) : Walk(root);

    public static bool IsGitWorkTree(string root)
    {
        try
        {
            var result = CommandLine.RunAsync("git", ["rev-parse", "--is-inside-work-tree"], TestSecrets.NoneSet(), root).GetAwaiter().GetResult();
            return result.Succeeded && result.StandardOutput.Trim() == "true";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no git installed: a plain folder
        }
    }

    private static List<string> ListWithGit(string root)
    {
        var listed = CommandLine.RunAsync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], workingDirectory: root).GetAwaiter().GetResult();
        Assert.True(listed.Succeeded, listed.ToString());
        return
        [
            .. listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(path => File.Exists(Path.Combine(root, path))) // tracked but deleted in the work tree: not a file any more
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>Every file under <paramref name="root"/>, without descending into a skipped folder.</summary>
    public static List<string> Walk(string root)
    {
        var files = new List<string>();
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var folder))
        {
            files.AddRange(Directory.EnumerateFiles(folder).Select(file => Path.GetRelativePath(root, file).Replace('\\', '/')));
            foreach (var child in Directory.EnumerateDirectories(folder).Where(child => !SkippedFolders.Contains(Path.GetFileName(child))))
            {
                pending.Push(child);
            }
        }

        return [.. files.Order(StringComparer.Ordinal)];
    }
}
