namespace StatelessApp.Hosting.Redis;

/// <summary>Where the shared Redis connection comes from; bound by <see cref="RedisHostingExtensions.AddRedis"/>.</summary>
public sealed class RedisConnectionOptions
{
    /// <summary>The configuration key the string was read from, e.g. "ConnectionStrings:Redis" (for error messages).</summary>
    public string SettingName { get; set; } = "ConnectionStrings:Redis";

    /// <summary>A StackExchange.Redis configuration string: "host:port,password=..." or Sentinels plus serviceName=....</summary>
    public string? ConnectionString { get; set; }
}
