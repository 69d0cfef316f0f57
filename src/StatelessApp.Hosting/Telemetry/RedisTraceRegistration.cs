using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Hosting.Telemetry;

/// <summary>
/// Hands each multiplexer to the Redis instrumentation when <see cref="RedisConnector"/> has made it. The package's own
/// <c>AddRedisInstrumentation()</c> resolves the multiplexer when the tracer provider is built: at start-up, which in
/// Sentinel mode throws while no Sentinel answers (the connector's contract is "resolve it when you use it").
/// </summary>
internal sealed class RedisTraceRegistration(StackExchangeRedisInstrumentation instrumentation) : IRedisConnectionObserver
{
    public void Connected(IConnectionMultiplexer connection, string purpose) => instrumentation.AddConnection(purpose, connection);
}
