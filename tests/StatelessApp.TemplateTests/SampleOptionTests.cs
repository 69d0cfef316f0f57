using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace StatelessApp.TemplateTests;

/// <summary>`--sample true` gives the shop; `--sample false` an empty app with the same building blocks wired.</summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed partial class SampleOptionTests(InstalledTemplate template, ITestOutputHelper output)
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

    /// <summary>The README's words and the Web project's comment describe what was generated: the shop, or the empty app.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public async Task Describes_the_shop_only_when_it_carries_it(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var readme = solution.ReadText("README.md") ?? "";
        var webProject = solution.ReadText($"src/{solution.Case.CodeName}.Web/{solution.Case.CodeName}.Web.csproj") ?? "";

        foreach (var (file, text) in new[] { ("README.md", readme), ("the Web csproj", webProject) })
        {
            Assert.True(ShopDescription().IsMatch(text) == solution.Case.Sample,
                $"{file}: expected the shop {(solution.Case.Sample ? "described" : "not described")}:\n{text}");
        }

        if (!solution.Case.Sample)
        {
            Assert.Contains("Program.cs wires every building block", webProject, StringComparison.Ordinal);
            Assert.Contains($"| `src/{solution.Case.CodeName}.Web` | the app:", readme, StringComparison.Ordinal);
        }
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

    /// <summary>
    /// Tests that call the shop's API or pages fail against the empty app (which answers only / and /health/*).
    /// By convention they live in a Shop/ folder of their test project, which --sample false leaves out.
    /// </summary>
    [Fact]
    public async Task Empty_app_carries_no_test_that_needs_the_shop()
    {
        var empty = await template.GenerateAsync(TemplateCase.All.First(c => !c.Sample));

        var needShop = empty.TemplateFiles()
            .Where(path => path.StartsWith("tests/", StringComparison.Ordinal) && path.EndsWith(".cs", StringComparison.Ordinal))
            .Where(path => ShopRequest().IsMatch(empty.ReadText(path) ?? ""))
            .ToList();

        Assert.True(needShop.Count == 0, $"These tests call the shop, so they belong in a Shop/ folder: {string.Join(", ", needShop)}");
    }

    /// <summary>
    /// The empty app has no integration tests of its own, so it is started here, with its Redis and PostgreSQL
    /// pointed at closed loopback ports: it must come up, say who served each answer, report itself live but not
    /// ready (naming the checks), and answer a request that needs the session with a 503 ProblemDetails.
    /// </summary>
    [Fact]
    public async Task Empty_app_starts_and_answers_with_every_block_at_work_when_its_servers_are_down()
    {
        var empty = await template.GenerateAsync(TemplateCase.All.First(c => !c.Sample));
        var assembly = await empty.BuildWebAsync();

        await using var app = await RunningWebApp.StartAsync(assembly, RunningWebApp.ServersDown);
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };

        using var live = await client.GetAsync(new Uri("health/live", UriKind.Relative));
        using var ready = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
        using var home = await client.PostAsync(new Uri("/visits", UriKind.Relative), content: null); // the demo's one request that writes the session
        var readiness = await ready.Content.ReadAsStringAsync();
        var problem = await home.Content.ReadAsStringAsync();
        output.WriteLine($"ready: {readiness}\nPOST /visits: {problem}");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("a/app-1", string.Join(',', live.Headers.GetValues("X-Served-By")));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // degraded, not out of rotation: the servers are shared
        Assert.Contains("\"status\":\"Degraded\"", readiness, StringComparison.Ordinal);
        Assert.Contains("\"redis\":\"Degraded\"", readiness, StringComparison.Ordinal);
        Assert.Contains("\"postgres-primary\":\"Degraded\"", readiness, StringComparison.Ordinal);
        Assert.Contains("\"draining\":\"Healthy\"", readiness, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, home.StatusCode);
        Assert.Equal("application/problem+json", home.Content.Headers.ContentType?.MediaType);
        Assert.Equal("a/app-1", string.Join(',', home.Headers.GetValues("X-Served-By")));
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

    /// <summary>
    /// A request to the shop's JSON API ("api/...") or to a Razor Pages handler ("?handler=..."); Prometheus's ("api/v1/")
    /// and the dashboard's ("api/telemetry/") APIs are other servers', not the shop's.
    /// </summary>
    [GeneratedRegex(@"""/?api/(?!v1/|telemetry/)|\?handler=")]
    private static partial Regex ShopRequest();

    /// <summary>Words that describe the sample shop (not the `shop` database name, nor a user's name like 1shop).</summary>
    [GeneratedRegex(@"sample shop|catalogue|Razor Pages, JSON API", RegexOptions.IgnoreCase)]
    private static partial Regex ShopDescription();

    [GeneratedRegex(@"public\s+static\s+[^(;{]*?\b(?<name>\w+)\s*(?:<[^>]*>)?\s*\(\s*this\b")]
    private static partial Regex ExtensionMethod();

    [GeneratedRegex(@"\.(?<name>\w+)\s*(?:<[^>]*>)?\s*\(")]
    private static partial Regex MethodCall();
}
