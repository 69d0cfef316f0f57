using StatelessApp.Stack.Processes;

namespace StatelessApp.UnitTests.Stack;

public sealed class CgroupV2RootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cgroup-layout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_pure_v2_host_has_its_hierarchy_at_the_top()
    {
        Touch("cgroup.controllers");
        Touch("cgroup.procs");

        Assert.Equal(_root, CgroupV2Root.Find(_root));
    }

    [Fact]
    public void A_hybrid_host_has_its_v2_hierarchy_in_unified()
    {
        Directory.CreateDirectory(Path.Combine(_root, "memory"));
        Touch("unified", "cgroup.controllers");

        Assert.Equal(Path.Combine(_root, "unified"), CgroupV2Root.Find(_root));
    }

    [Fact]
    public void A_v1_only_host_is_refused_naming_both_places()
    {
        Directory.CreateDirectory(Path.Combine(_root, "memory"));
        Directory.CreateDirectory(Path.Combine(_root, "unified"));

        var error = Assert.Throws<InvalidOperationException>(() => CgroupV2Root.Find(_root));

        Assert.Contains("no cgroup v2 hierarchy", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "unified"), error.Message, StringComparison.Ordinal);
    }

    private void Touch(params string[] path)
    {
        var file = Path.Combine([_root, .. path]);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "");
    }
}
