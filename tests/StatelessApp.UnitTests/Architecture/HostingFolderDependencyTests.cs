using StatelessApp.Hosting;

namespace StatelessApp.UnitTests.Architecture;

/// <summary>The building blocks' folders (namespaces) depend on each other one way only: no cycle between any two.</summary>
public sealed class HostingFolderDependencyTests
{
    private const string Prefix = "StatelessApp.Hosting.";

    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Graph =
        NamespaceDependencies.Of(typeof(HostingMarker).Assembly, Prefix);

    [Fact]
    public void Consistency_builds_on_Data_and_Data_knows_nothing_of_Consistency()
    {
        // The first also proves the reader sees dependencies at all.
        Assert.Contains(Prefix + "Data", Graph[Prefix + "Consistency"]);
        Assert.DoesNotContain(Prefix + "Consistency", Graph[Prefix + "Data"]);
    }

    [Fact]
    public void No_folder_depends_on_itself_through_others()
    {
        var cycle = NamespaceDependencies.FindCycle(Graph);
        Assert.True(cycle is null, $"Hosting folders in a cycle: {cycle}");
    }
}
