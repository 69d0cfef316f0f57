namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>The three-host deploy tests share one deployment: three engines, images shipped, every site healthy.</summary>
[CollectionDefinition(Name)]
public sealed class ThreeHostsGroup : ICollectionFixture<ThreeHostsFixture>
{
    public const string Name = "three hosts";
}
