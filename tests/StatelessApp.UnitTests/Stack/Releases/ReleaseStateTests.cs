using StatelessApp.Stack;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack.Releases;

public sealed class ReleaseStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stack-release-state-").FullName;

    private string File => Path.Combine(_folder, "state.env");

    [Fact]
    public void A_new_release_becomes_current_and_the_current_one_previous()
    {
        var state = new StackState(ProxyKind.Haproxy, "pg-a").WithCurrentRelease("r1");

        var upgraded = state.WithCurrentRelease("r2");

        Assert.Equal(("r1", (string?)null), (state.CurrentRelease, state.PreviousRelease));
        Assert.Equal(("r2", "r1"), (upgraded.CurrentRelease, upgraded.PreviousRelease));
    }

    [Fact]
    public void Rolling_back_swaps_current_and_previous()
    {
        var upgraded = new StackState(null, null).WithCurrentRelease("r1").WithCurrentRelease("r2");

        var rolledBack = upgraded.WithCurrentRelease(upgraded.PreviousRelease!);

        Assert.Equal(("r1", "r2"), (rolledBack.CurrentRelease, rolledBack.PreviousRelease));
    }

    [Fact]
    public void Making_the_current_release_current_again_keeps_the_previous_one()
    {
        var upgraded = new StackState(null, null).WithCurrentRelease("r1").WithCurrentRelease("r2");

        Assert.Equal(upgraded, upgraded.WithCurrentRelease("r2"));
    }

    [Fact]
    public void The_state_file_keeps_the_releases_and_everything_else()
    {
        var state = (new StackState(ProxyKind.Nginx, "pg-b") { Observability = false }).WithCurrentRelease("r1").WithCurrentRelease("r2");

        state.Write(File);

        Assert.Equal(state, StackState.Read(File));
    }

    [Fact]
    public void A_state_file_from_before_releases_reads_as_no_release()
    {
        // nginx: the template rewrites "STACK_PROXY_KIND=haproxy" to the proxy a solution is generated with.
        System.IO.File.WriteAllText(File, "STACK_PROXY_KIND=nginx\nLAST_POSTGRES_PRIMARY=pg-a\nSTACK_OBSERVABILITY=on\n");

        var state = StackState.Read(File);

        Assert.Equal(new StackState(ProxyKind.Nginx, "pg-a"), state);
        Assert.Null(state.CurrentRelease);
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
