namespace StatelessApp.Bench;

/// <summary>
/// One stack the run drives: the system under test with the .NET client that makes its shoppers (trusting that stack's
/// CA alone when it runs TLS). The run has one per stack: the shipped one, and the plaintext twin when measured.
/// </summary>
public sealed class LoadTarget : IAsyncDisposable
{
    private LoadTarget(SystemUnderTest stack, HttpClient http)
    {
        Stack = stack;
        Http = http;
        Shoppers = new ShopperPool(http, stack.Proxy);
    }

    public SystemUnderTest Stack { get; }

    /// <summary>The client of this stack's proxy (cookies per request, the stack's CA trusted).</summary>
    public HttpClient Http { get; }

    public ShopperPool Shoppers { get; }

    /// <summary>
    /// Brings the stack up (with TLS or as the plaintext twin, with the bench host if a build needs it, at the topology's
    /// distance or 0 ms) and readies its statement counter.
    /// </summary>
    public static async Task<LoadTarget> UpAsync(TextWriter output, string? logsCopy, bool tls, bool benchHost, bool distance, CancellationToken cancellationToken)
    {
        var stack = await SystemUnderTest.UpAsync(output, logsCopy, tls, benchHost, distance, cancellationToken);
        try
        {
            await PostgresStatementCounter.EnsureReadyAsync(stack, cancellationToken);
            var handler = new SocketsHttpHandler { UseCookies = false, UseProxy = false, MaxConnectionsPerServer = 16 };
            if (tls)
            {
                handler.SslOptions = new() { RemoteCertificateValidationCallback = stack.Context.Certificates.ServerValidator() };
            }

            return new LoadTarget(stack, new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) });
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Stack.DisposeAsync();
    }
}
