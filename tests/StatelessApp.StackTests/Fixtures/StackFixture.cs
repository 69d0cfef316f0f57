using StatelessApp.TestKit.Load;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;
using Xunit.Abstractions;
using Xunit.Sdk;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>
/// Brings the whole two-region stack up once for the stack tests and down at the end. It runs from the repository's
/// topology with every region moved by 100 in the second octet (127.1.x → 127.101.x, …) and with its own state folder
/// under the temp folder, so it never collides with a stack the developer started with `./stack up`. The proxy is the
/// topology's unless STACK_PROXY_KIND names the other (`STACK_PROXY_KIND=nginx dotnet test …`).
/// </summary>
public sealed class StackFixture : IAsyncLifetime, IDisposable
{
    private readonly IMessageSink _diagnostics;
    private readonly StringWriter _output = new();

    public StackFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Directory.CreateTempSubdirectory("statelessapp-stack-tests-").FullName);
        Topology = StackTopology.LoadOnMovedRange(paths.TopologyFile, secondOctetOffset: 100);
        var proxy = StackTopology.TryParseProxyKind(Environment.GetEnvironmentVariable("STACK_PROXY_KIND") ?? "", out var kind) ? kind : (ProxyKind?)null;
        Controller = new StackController(paths, Topology, TextWriter.Synchronized(_output), proxy);
        // The load comes from one address (127.0.0.1) at the rate the machine allows; the flood tests set their own limits.
        RateLimitSettings.ApplyTo(Controller.Context.AppSettings, RateLimitSettings.OutOfTheWay);
    }

    public StackTopology Topology { get; }

    public StackController Controller { get; }

    public async Task InitializeAsync()
    {
        try
        {
            await Controller.UpAsync(new UpOptions { Fresh = true });
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: leave nothing running or on disk.
            Report();
            await DisposeAsync();
            throw;
        }

        Report();
    }

    public async Task DisposeAsync()
    {
        await Controller.DownAsync(quiet: true);
        Controller.Dispose();
        Controller.Paths.DeleteAll();
    }

    public void Dispose() => _output.Dispose();

    /// <summary>A client that reaches the app by its DNS name through the given region's proxy (see <see cref="RegionClients"/>).</summary>
    public RegionClients NewShopper() => new(Topology, Controller.Context.Certificates.ServerValidator());

    /// <summary>Both proxies as <paramref name="kind"/> until the result is disposed (see <see cref="ProxySwap"/>).</summary>
    public Task<ProxySwap> ProxiesAsAsync(ProxyKind kind) => ProxySwap.ToAsync(Controller, kind, TextWriter.Synchronized(_output));

    /// <summary>A client of one node's HTTPS port by its address (an app instance, bypassing the proxies), trusting the stack's CA.</summary>
    public HttpClient DirectTo(Node node) =>
        new(new SocketsHttpHandler { UseProxy = false, SslOptions = new() { RemoteCertificateValidationCallback = Controller.Context.Certificates.ServerValidator() } })
        {
            BaseAddress = new Uri($"https://{node.Endpoint}/"),
            Timeout = TimeSpan.FromSeconds(10),
        };

    private void Report() =>
        _diagnostics.OnMessage(new DiagnosticMessage("stack up (test range):" + Environment.NewLine + _output));
}
