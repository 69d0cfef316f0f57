namespace StatelessApp.Hosting.Identity;

/// <summary>
/// Who this process is: the region it runs in and its name within that region. Every response and every log
/// line carries both, so a request can be followed through proxies and logs of several instances.
/// </summary>
public sealed class InstanceOptions
{
    public const string SectionName = "Instance";

    /// <summary>The region, e.g. "a". Required.</summary>
    public string Region { get; set; } = "";

    /// <summary>The instance name within the region, e.g. "app-1". Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>"region/name", the form used in the X-Served-By header and the logs.</summary>
    public string Label => $"{Region}/{Name}";
}
