using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.Hosting.Telemetry;

/// <summary>
/// The resource every signal carries: <c>service.name</c> (the app's name), <c>service.version</c>,
/// <c>service.instance.id</c> ("a/app-1", as in X-Served-By) and <c>cloud.region</c> ("a"), from the instance identity ("?" where it is not configured).
/// </summary>
internal sealed class InstanceResourceDetector(ConfiguredInstance instance, IHostEnvironment environment) : IResourceDetector
{
    /// <summary>The OpenTelemetry semantic convention's name for the region a resource runs in.</summary>
    public const string RegionAttribute = "cloud.region";

    public Resource Detect() => new(new Dictionary<string, object>
    {
        ["service.name"] = environment.ApplicationName,
        ["service.version"] = AppVersion.Current,
        ["service.instance.id"] = instance.Label,
        [RegionAttribute] = instance.Region,
    });
}
