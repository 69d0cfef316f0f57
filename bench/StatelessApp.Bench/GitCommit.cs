using StatelessApp.Stack.Processes;

namespace StatelessApp.Bench;

/// <summary>The commit a run measured, as the docs stamp every figure; "+ uncommitted changes" when the tree differed from it.</summary>
public static class GitCommit
{
    public static async Task<string> DescribeAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var head = await CommandRunner.RunAsync("git", ["-C", repositoryRoot, "rev-parse", "--short", "HEAD"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        if (!head.Succeeded)
        {
            return "(unknown: not a git checkout)";
        }

        var status = await CommandRunner.RunAsync("git", ["-C", repositoryRoot, "status", "--porcelain", "--untracked-files=no"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        return head.Output.Trim() + (status.Succeeded && status.Output.Trim().Length > 0 ? " + uncommitted changes" : "");
    }
}
