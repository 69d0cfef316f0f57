namespace StatelessApp.TemplateTests;

/// <summary>All template tests share one installed template, and run one after another: each builds a whole
/// solution, and two such builds side by side on a small machine are slower than one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class InstalledTemplateGroup : ICollectionFixture<InstalledTemplate>
{
    public const string Name = "template";
}
