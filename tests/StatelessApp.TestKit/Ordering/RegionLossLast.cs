using Xunit.Abstractions;
using Xunit.Sdk;

namespace StatelessApp.TestKit.Ordering;

/// <summary>Marks a test that kills a region: it leaves the stack failed over, so it runs after the others.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KillsARegionAttribute : Attribute;

/// <summary>
/// Orders a class's tests by name, those that kill a region last: the tests before them need both regions, and
/// bringing a killed region back costs tens of seconds (the browser tests) or is not done at all (the compose tests).
/// </summary>
public sealed class RegionLossLast : ITestCaseOrderer
{
    public const string TypeName = "StatelessApp.TestKit.Ordering.RegionLossLast";

    public const string AssemblyName = "StatelessApp.TestKit";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases
            .OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(KillsARegionAttribute).AssemblyQualifiedName).Any())
            .ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
