using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// The file listing the deploy tests use works in a folder that is not a git repository (a solution fresh from
/// `dotnet new`), and in a git work tree counts new files that are not committed yet.
/// </summary>
public sealed class RepositoryFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("repository-files-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(params string[] paths)
    {
        foreach (var path in paths)
        {
            var full = Path.Combine(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, path);
        }
    }

    [Fact]
    public void Outside_git_every_file_is_listed_except_build_output_and_local_state()
    {
        Write("stack", "deploy/deploy-region.sh", "src/App/App.csproj", ".gitignore",
            "src/App/bin/Release/App.dll", "src/App/obj/project.assets.json", ".stack/secrets.env", "artifacts/App.nupkg",
            "tests/App.Tests/TestResults/run.trx");

        Assert.False(RepositoryFiles.IsGitWorkTree(_root));
        Assert.Equal([".gitignore", "deploy/deploy-region.sh", "src/App/App.csproj", "stack"], RepositoryFiles.List(_root));
    }

    [Fact]
    public async Task In_a_git_work_tree_new_files_count_and_ignored_ones_do_not()
    {
        Write("committed.sh", "new.sh", "ignored/build.sh", ".gitignore");
        await File.WriteAllTextAsync(Path.Combine(_root, ".gitignore"), "ignored/\n");
        Assert.True((await CommandLine.RunAsync("git", ["init", "-q"], workingDirectory: _root)).Succeeded);
        Assert.True((await CommandLine.RunAsync("git", ["add", "committed.sh", ".gitignore"], workingDirectory: _root)).Succeeded);

        Assert.True(RepositoryFiles.IsGitWorkTree(_root));
        Assert.Equal([".gitignore", "committed.sh", "new.sh"], RepositoryFiles.List(_root));
    }
}
