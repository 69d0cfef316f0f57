namespace StatelessApp.Drills.Fixtures;

/// <summary>Every drill shares one running stack (bringing it up takes about a minute); each drill restores it.</summary>
[CollectionDefinition(Name)]
public sealed class DrillStackGroup : ICollectionFixture<DrillStackFixture>
{
    public const string Name = "drill stack";
}
