namespace StatelessApp.Hosting.Clients;

/// <summary>
/// Builds the handler chain of a failover-capable client: <see cref="RetrySafeRequestHandler"/> over a
/// <see cref="SocketsHttpHandler"/> whose connections come from <see cref="FailoverConnector"/>. For callers without
/// dependency injection (tools, tests, load generators); in an app use <c>AddFailoverHandler</c> on an HttpClient.
/// </summary>
public static class FailoverHttpHandler
{
    public static HttpMessageHandler Create(FailoverClientOptions options, TimeProvider? time = null, Action<SocketsHttpHandler>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new FailoverClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        time ??= TimeProvider.System;
        var sockets = CreateSocketsHandler(options, time);
        configure?.Invoke(sockets);
        return new RetrySafeRequestHandler(options, time) { InnerHandler = sockets };
    }

    internal static SocketsHttpHandler CreateSocketsHandler(FailoverClientOptions options, TimeProvider time, ClientMetrics? metrics = null, string client = "")
    {
        var connector = new FailoverConnector(new AddressResolver(options.DnsServerEndPoint), options, time, metrics, client);
        return new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            UseProxy = false,
        };
    }
}
