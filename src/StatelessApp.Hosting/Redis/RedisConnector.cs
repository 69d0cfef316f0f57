using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Tls;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Creates the one shared multiplexer. Direct: <see cref="ConnectionMultiplexer.Connect(ConfigurationOptions, TextWriter?)"/>
/// returns even while Redis is down (abortConnect=false) and reconnects by itself. Sentinel: if no Sentinel
/// answers at that moment, StackExchange.Redis 3.4 returns a multiplexer that never finds the primary later
/// (docs/sessions-and-keyring.md has the measurement). So in Sentinel mode a connection that did
/// not reach the primary is discarded and this throws <see cref="RedisConnectionException"/>; the container
/// caches only a successful singleton, so the next resolution tries again, at most once per second.
/// </summary>
internal sealed class RedisConnector(
    IOptions<RedisConnectionOptions> options,
    ILoggerFactory loggerFactory,
    IEnumerable<IRedisConnectionObserver> observers)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("StatelessApp.Hosting.Redis");
    private RedisConnectionException? _lastFailure;
    private DateTime _lastFailureAt;

    /// <param name="allowAdmin">
    /// The client library's own guard for commands such as INFO (the monitoring connection only); the server's ACL, not
    /// this, is what limits the app user.
    /// </param>
    public ConnectionMultiplexer Connect(bool allowAdmin = false)
    {
        lock (_lock)
        {
            // While Sentinels are unreachable, callers fail fast instead of each waiting for a connect timeout.
            if (_lastFailure is not null && DateTime.UtcNow - _lastFailureAt < RetryInterval)
            {
                throw _lastFailure;
            }

            var settings = options.Value;
            var configuration = Configuration(settings);
            configuration.AllowAdmin = allowAdmin;
            var sentinel = configuration.ServiceName is not null;
            ConnectionMultiplexer? redis = null;
            try
            {
                redis = ConnectionMultiplexer.Connect(configuration);
                if (sentinel && !redis.IsConnected)
                {
                    throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                        $"No Sentinel in {settings.SettingName} named a reachable primary for service {configuration.ServiceName}.",
                        null, CommandStatus.Unknown);
                }
            }
            catch (RedisConnectionException ex) when (sentinel)
            {
                redis?.Dispose();
                _lastFailure = ex;
                _lastFailureAt = DateTime.UtcNow;
                RedisConnectionLog.SentinelUnreachable(_logger, settings.SettingName, ex.Message);
                throw;
            }

            _lastFailure = null;
            Announce(redis, configuration, settings.SettingName, sentinel ? $", Sentinel service {configuration.ServiceName}" : string.Empty,
                allowAdmin ? "monitoring" : "requests");
            return redis;
        }
    }

    /// <summary>
    /// A multiplexer connected directly to <paramref name="nodes"/> (no Sentinel), with the shared connection's user,
    /// password, TLS and timeouts: for <see cref="RedisConnections.LocalReads"/>. Returns while the nodes are down
    /// (abortConnect=false) and reconnects by itself, as a direct shared connection does.
    /// </summary>
    public ConnectionMultiplexer ConnectDirect(IReadOnlyList<(string Host, int Port)> nodes, string setting)
    {
        var configuration = Configuration(options.Value);
        configuration.ServiceName = null;
        configuration.EndPoints.Clear();
        foreach (var (host, port) in nodes)
        {
            configuration.EndPoints.Add(host, port);
        }

        // It reads whatever role its nodes have: no primary to elect, so no tie-breaker key to GET (outside the app's ACL prefix).
        configuration.TieBreaker = "";
        var redis = ConnectionMultiplexer.Connect(configuration);
        Announce(redis, configuration, setting, service: string.Empty, purpose: "local-reads");
        return redis;
    }

    /// <summary>Logs a new multiplexer's connection events and its creation, and tells the observers (metrics) about it.</summary>
    private void Announce(ConnectionMultiplexer redis, ConfigurationOptions configuration, string setting, string service, string purpose)
    {
        RedisConnectionLog.Attach(redis, _logger);
        var endPoints = string.Join(' ', configuration.EndPoints.Select(endPoint => endPoint.ToString()));
        RedisConnectionLog.Created(_logger, setting, endPoints, service, redis.IsConnected);
        foreach (var observer in observers)
        {
            observer.Connected(redis, purpose);
        }
    }

    private static ConfigurationOptions Configuration(RedisConnectionOptions settings) =>
        RedisConfiguration.Create(settings.ConnectionString!,
            settings.CaCertificatePath is { } ca ? CertificateAuthorityTrust.Load(ca) : null);
}
