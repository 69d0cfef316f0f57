namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>Every compose test shares one stack: bringing it up (images included) takes minutes.</summary>
[CollectionDefinition(Name)]
public sealed class ComposeTestGroup : ICollectionFixture<ComposeStackFixture>
{
    public const string Name = "compose stack";
}
