using StackExchange.Redis;
using StatelessApp.Hosting.Tls;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Turns the configured string into <see cref="ConfigurationOptions"/> with the defaults a web app needs:
/// start while Redis is down, and fail a request within about a second instead of the library's 5 s defaults,
/// so a dead server turns into a quick 503 rather than a pile of stuck requests. With a CA configured, the servers'
/// certificates are checked against it alone.
/// </summary>
internal static class RedisConfiguration
{
    internal const int DefaultConnectTimeoutMilliseconds = 2000;
    internal const int DefaultCommandTimeoutMilliseconds = 1000;

    /// <summary>
    /// Commands the app never sends but the client library tries while it connects (cluster discovery, server settings):
    /// the app's ACL user may not run them (CONFIG GET would read other users' replication password), so each attempt
    /// would only add a denial to Redis's ACL LOG, where a real attack must stand out.
    /// </summary>
    private static readonly HashSet<string> NeverSent = ["CONFIG", "CLUSTER"];

    public static ConfigurationOptions Create(string connectionString, CertificateAuthorityTrust? trust = null)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        if (trust is not null)
        {
            options.CertificateValidation += trust.Callback;
        }

        // A command map given in the string ($NAME=...) is the operator's choice and stays as it is.
        if (!MapsCommands(connectionString))
        {
            options.CommandMap = CommandMap.Create(NeverSent, available: false);
        }

        // The app must start (and answer /health/live) while Redis is down; the health check reports it instead.
        options.AbortOnConnectFail = false;

        // Explicit values in the string win; only unset timeouts get the web-friendly defaults.
        if (!Mentions(connectionString, "connectTimeout"))
        {
            options.ConnectTimeout = DefaultConnectTimeoutMilliseconds;
        }

        if (!Mentions(connectionString, "syncTimeout"))
        {
            options.SyncTimeout = DefaultCommandTimeoutMilliseconds;
        }

        if (!Mentions(connectionString, "asyncTimeout"))
        {
            options.AsyncTimeout = DefaultCommandTimeoutMilliseconds;
        }

        // Reconnect quickly after an outage or failover (default backs off to 10+ s): 250 ms doubling to 2 s.
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        return options;
    }

    private static bool Mentions(string connectionString, string option) =>
        connectionString
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(part => part.StartsWith(option + "=", StringComparison.OrdinalIgnoreCase));

    private static bool MapsCommands(string connectionString) =>
        connectionString.Split(',', StringSplitOptions.TrimEntries).Any(part => part.StartsWith('$'));
}
