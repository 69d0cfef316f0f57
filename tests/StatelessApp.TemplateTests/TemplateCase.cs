namespace StatelessApp.TemplateTests;

/// <summary>One way to call `dotnet new stateless-app`, and the names the output must then use.</summary>
/// <param name="Name">The -n value as a user types it.</param>
/// <param name="CodeName">What "StatelessApp" must become in files, folders, projects and namespaces.</param>
/// <param name="DnsName">What "statelessapp" must become where the name must be a DNS label.</param>
/// <param name="EnvironmentName">What "STATELESSAPP" must become where the name must be an environment variable name.</param>
/// <param name="Built">Whether the build tests build it: every case but one, which only repeats what another proves.</param>
public sealed record TemplateCase(
    string Name,
    string CodeName,
    string DnsName,
    string EnvironmentName,
    string Proxy = "haproxy",
    bool Sample = true,
    bool Restore = false,
    bool Built = true)
{
    /// <summary>
    /// Every name shape (plain, dotted, hyphenated, leading digit, leading underscore) and every combination of
    /// the options that change files. One case lets the restore post action run; the others skip it, as the
    /// build restores anyway.
    /// </summary>
    public static IReadOnlyList<TemplateCase> All { get; } =
    [
        new("Shop", CodeName: "Shop", DnsName: "shop", EnvironmentName: "SHOP", Restore: true),
        new("Contoso.Shop", CodeName: "Contoso.Shop", DnsName: "contoso-shop", EnvironmentName: "CONTOSO_SHOP", Proxy: "nginx"),
        new("my-app", CodeName: "my_app", DnsName: "my-app", EnvironmentName: "MY_APP", Sample: false),
        new("1shop", CodeName: "_1shop", DnsName: "1shop", EnvironmentName: "_1SHOP", Proxy: "nginx", Sample: false),
        // Its build would prove nothing that 1shop (namespace _1shop) does not, and a build is the slow part.
        new("_shop", CodeName: "_shop", DnsName: "shop", EnvironmentName: "_SHOP", Built: false),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static TheoryData<string> BuiltNames => new(All.Where(c => c.Built).Select(c => c.Name));

    public static TemplateCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>A repository path or line as the template must write it for this case.</summary>
    public string Renamed(string text) => text
        .Replace("StatelessApp", CodeName, StringComparison.Ordinal)
        .Replace("statelessapp", DnsName, StringComparison.Ordinal)
        .Replace("STATELESSAPP", EnvironmentName, StringComparison.Ordinal);

    public IEnumerable<string> Options()
    {
        yield return "--proxy";
        yield return Proxy;
        yield return "--sample";
        yield return Sample ? "true" : "false";
        if (!Restore)
        {
            yield return "--no-restore";
        }
    }

    public override string ToString() => $"-n {Name} {string.Join(' ', Options())}";
}
