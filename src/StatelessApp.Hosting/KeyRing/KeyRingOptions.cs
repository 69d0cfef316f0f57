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

    /// <summary>
    /// How many Redis replicas must confirm a new key (WAIT) before it is used. 1, the default, for a two-region
    /// deployment; 0 for a single Redis without replicas (local development, most tests).
    /// </summary>
    public int RequiredReplicas { get; set; } = 1;

    /// <summary>How long a new key waits for <see cref="RequiredReplicas"/> confirmations (rare: once per key lifetime).</summary>
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The certificate that encrypts and signs the keys (required outside Development).</summary>
    public KeyRingCertificateOptions Certificate { get; } = new();
}
