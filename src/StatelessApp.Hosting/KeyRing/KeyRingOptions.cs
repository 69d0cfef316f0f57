namespace StatelessApp.Hosting.KeyRing;

/// <summary>Settings of the shared DataProtection key ring (section "KeyRing").</summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "KeyRing";

    /// <summary>
    /// The application discriminator. Every instance must use the same explicit value: the default is derived
    /// from the content root / assembly and differs between machines and .NET versions, which silently splits
    /// the ring (cookies from one instance then fail on another).
    /// </summary>
    public string ApplicationName { get; set; } = "StatelessApp";

    /// <summary>The Redis list holding the key XML documents.</summary>
    public string RedisKey { get; set; } = "StatelessApp:DataProtection-Keys";
}
