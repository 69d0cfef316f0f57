namespace StatelessApp.StackTests.Fixtures;

/// <summary>Every stack test shares one running stack (bringing it up takes about a minute).</summary>
[CollectionDefinition(Name)]
public sealed class StackTestGroup : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
