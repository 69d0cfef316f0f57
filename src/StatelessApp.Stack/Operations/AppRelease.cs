namespace StatelessApp.Stack.Operations;

/// <summary>
/// One published build of the app under .stack/releases/&lt;id&gt;/ (<see cref="StackPaths.ReleaseOf"/>): what instances
/// run. <see cref="Version"/> is the assembly's informational version the instances report (/api/status).
/// </summary>
public sealed record AppRelease(string Id, string Version, string Folder)
{
    /// <summary>The assembly an instance runs: `dotnet &lt;Assembly&gt;`.</summary>
    public string Assembly => Path.Combine(Folder, AssemblyName);

    public const string AssemblyName = "StatelessApp.Web.dll";
}
