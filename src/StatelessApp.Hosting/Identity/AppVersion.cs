using System.Reflection;

namespace StatelessApp.Hosting.Identity;

/// <summary>The running app's version: its entry assembly's informational version (telemetry's <c>service.version</c>).</summary>
public static class AppVersion
{
    public static string Current { get; } = Of(Assembly.GetEntryAssembly() ?? typeof(AppVersion).Assembly);

    public static string Of(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
    }
}
