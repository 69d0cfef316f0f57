namespace StatelessApp.Hosting.Redis;

/// <summary>Where the shared Redis connection comes from; bound by <see cref="RedisHostingExtensions.AddRedis"/>.</summary>
public sealed class RedisConnectionOptions
{
    /// <summary>The configuration key the string was read from, e.g. "ConnectionStrings:Redis" (for error messages).</summary>
    public string SettingName { get; set; } = "ConnectionStrings:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: "host:port,user=...,password=...,ssl=true" or Sentinels plus
    /// serviceName=.... The user and password go to the Sentinels and to the Redis nodes alike.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The configuration key of <see cref="CaCertificatePath"/> (for error messages).</summary>
    public string CaCertificateSettingName { get; set; } = "Redis:CaCertificatePath";

    /// <summary>
    /// The CA certificate (PEM or DER) that Redis's and the Sentinels' certificates must chain to, and the only one
    /// trusted for them. Requires ssl=true in the connection string. Unset: TLS (if on) trusts the machine's store.
    /// </summary>
    public string? CaCertificatePath { get; set; }
}
