using System.Text.RegularExpressions;
using StatelessApp.Stack;

namespace StatelessApp.UnitTests.Shop.Bench;

/// <summary>The bench compares builds that differ only in where the session and the key ring live: so do their Program.cs.</summary>
public sealed partial class BenchHostProgramTests
{
    [Fact]
    public void The_bench_host_wires_what_the_shop_wires_but_the_session_and_the_key_ring()
    {
        var root = StackPaths.FindRepositoryRoot();
        var shop = CallsIn(Path.Combine(root, "src", "StatelessApp.Web", "Program.cs"));
        var benchHost = CallsIn(Path.Combine(root, "bench", "StatelessApp.Bench.Host", "Program.cs"));

        var expected = shop.SelectMany(call => call switch
        {
            "AddStatelessDefaults" => ["AddBasicStatelessDefaults", "AddStateMode"],
            "UseStatelessDefaults" => ["UseBasicStatelessDefaults", "UseSession"],
            _ => new[] { call },
        });

        Assert.Contains("AddStatelessDefaults", shop);
        Assert.Equal(expected, benchHost);
    }

    /// <summary>The methods called, in order, comments left out.</summary>
    private static List<string> CallsIn(string file) =>
        [.. MethodCall().Matches(LineComment().Replace(File.ReadAllText(file), "")).Select(m => m.Groups["name"].Value)];

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\.(?<name>\w+)\s*(?:<[^>]*>)?\s*\(")]
    private static partial Regex MethodCall();
}
