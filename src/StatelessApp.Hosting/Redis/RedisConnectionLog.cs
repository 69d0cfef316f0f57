using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StatelessApp.Hosting.Redis;

/// <summary>One clear log line when a Redis connection drops and one when it comes back.</summary>
internal static partial class RedisConnectionLog
{
    public static void Attach(IConnectionMultiplexer redis, ILogger logger)
    {
        redis.ConnectionFailed += (_, e) =>
            ConnectionFailed(logger, e.EndPoint, e.ConnectionType, e.FailureType, e.Exception?.Message);
        redis.ConnectionRestored += (_, e) =>
            ConnectionRestored(logger, e.EndPoint, e.ConnectionType);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType} {Reason}")]
    private static partial void ConnectionFailed(ILogger logger, EndPoint? endPoint, ConnectionType connectionType,
        ConnectionFailureType failureType, string? reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Redis connection to {EndPoint} ({ConnectionType}) restored")]
    private static partial void ConnectionRestored(ILogger logger, EndPoint? endPoint, ConnectionType connectionType);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Redis multiplexer created for {Setting} (endpoints {EndPoints}{Sentinel}); connected: {Connected}")]
    public static partial void Created(ILogger logger, string setting, string endPoints, string sentinel, bool connected);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Redis via Sentinel ({Setting}) not reachable, will retry on next use: {Reason}")]
    public static partial void SentinelUnreachable(ILogger logger, string setting, string reason);
}
