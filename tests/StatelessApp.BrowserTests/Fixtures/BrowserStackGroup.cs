namespace StatelessApp.BrowserTests.Fixtures;

/// <summary>Every browser test shares one stack and its two regional browsers.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserStackGroup : ICollectionFixture<BrowserStackFixture>
{
    public const string Name = "browser stack";
}
