using Microsoft.Extensions.Configuration;

namespace StatelessApp.Hosting.Identity;

/// <summary>
/// Region and name straight from configuration, "?" when missing, for the log formatters: the options are validated at
/// start-up, and the log line that reports a missing setting must still be written.
/// </summary>
internal readonly record struct ConfiguredInstance(string Region, string Name)
{
    public string Label => $"{Region}/{Name}";

    public static ConfiguredInstance Read(IConfiguration configuration)
    {
        var instance = configuration.GetSection(InstanceOptions.SectionName);
        return new ConfiguredInstance(Fallback(instance[nameof(InstanceOptions.Region)]), Fallback(instance[nameof(InstanceOptions.Name)]));
    }

    private static string Fallback(string? value) => string.IsNullOrWhiteSpace(value) ? "?" : value;
}
