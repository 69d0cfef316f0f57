using System.Text.RegularExpressions;

namespace StatelessApp.TemplateTests;

/// <summary>`--sample true` gives the shop; `--sample false` an empty app with the same building blocks wired.</summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed partial class SampleOptionTests(InstalledTemplate template)
{
    /// <summary>What makes the shop a shop: if any of it is left, the "empty" app is not empty.</summary>
    private static readonly string[] s_shopParts = ["Pages", "Api", "Shop", "Migrations", "wwwroot", "ShopExtensions.cs", "Data/ShopDbContext.cs"];

    public static TheoryData<string> Names => TemplateCase.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Carries_the_shop_only_when_asked(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var web = WebFolder(solution);

        foreach (var part in s_shopParts)
        {
            Assert.True(Path.Exists(Path.Combine(web, part)) == solution.Case.Sample, $"{part}: expected {(solution.Case.Sample ? "present" : "absent")}");
        }
        Assert.True(File.Exists(Path.Combine(web, "Data", "AppDbContext.cs")) != solution.Case.Sample, "AppDbContext.cs belongs to the empty app only");
        Assert.True(solution.TemplateFiles().Any(path => path.Contains("/Shop/", StringComparison.Ordinal)) == solution.Case.Sample, "shop tests belong to the sample only");
    }

    [Fact]
    public async Task Empty_app_wires_every_building_block_the_shop_wires()
    {
        var shop = await template.GenerateAsync(TemplateCase.All.First(c => c.Sample));
        var empty = await template.GenerateAsync(TemplateCase.All.First(c => !c.Sample));

        var buildingBlocks = BuildingBlocks(shop);
        var wiredInShop = CallsIn(shop).Intersect(buildingBlocks).ToList();
        var wiredInEmptyApp = CallsIn(empty).Intersect(buildingBlocks).ToList();

        Assert.NotEmpty(wiredInShop);
        Assert.Empty(wiredInShop.Except(wiredInEmptyApp));
    }

    private static string WebFolder(GeneratedSolution solution) => solution.PathOf($"src/{solution.Case.CodeName}.Web");

    /// <summary>The extension methods the Hosting project offers (AddRedis, UseRedisSessions, MigrateDatabaseAsync...).</summary>
    private static HashSet<string> BuildingBlocks(GeneratedSolution solution)
    {
        var hosting = solution.PathOf($"src/{solution.Case.CodeName}.Hosting");
        return Directory.EnumerateFiles(hosting, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => ExtensionMethod().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> CallsIn(GeneratedSolution solution)
    {
        var program = File.ReadAllText(Path.Combine(WebFolder(solution), "Program.cs"));
        return MethodCall().Matches(program).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"public\s+static\s+[^(;{]*?\b(?<name>\w+)\s*(?:<[^>]*>)?\s*\(\s*this\b")]
    private static partial Regex ExtensionMethod();

    [GeneratedRegex(@"\.(?<name>\w+)\s*(?:<[^>]*>)?\s*\(")]
    private static partial Regex MethodCall();
}
