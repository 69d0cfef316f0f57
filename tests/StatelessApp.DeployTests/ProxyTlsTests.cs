using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// HTTPS at the proxies, with the real HAProxy and nginx, the same config files and the same variables the local stack
/// gives them (the controller's own ProxyServer, its certificates from a scratch state folder; nginx rendered by
/// render.sh as its container does): HTTPS with the proxy's certificate and HSTS, plain HTTP answered by a redirect only,
/// health endpoints included. No app runs behind them: the proxy's own 503/502 proves the request got through TLS.
/// </summary>
public sealed class ProxyTlsTests : IDisposable
{
    private readonly ProxyScratch _scratch = new("proxy-tls");

    public void Dispose() => _scratch.Dispose();

    private string Domain => _scratch.Context.Topology.Domain;

    /// <summary>What the controller gives proxy-a, moved to free ports on 127.0.0.1 with apps where nothing listens.</summary>
    private Dictionary<string, string> Variables(bool tls)
    {
        var context = tls ? _scratch.Context : new StackContext(_scratch.Context.Topology, _scratch.Context.Paths, _scratch.Context.Secrets, _scratch.Context.Tools, ProxyKind.Haproxy) { Tls = false };
        return ProxyVariables.Of(context, _scratch.HttpsPort, _scratch.HttpPort, [.. Enumerable.Range(0, 4).Select(_ => $"127.0.0.1:{LoopbackPorts.FreeTcp()}")]);
    }

    private Task<RunningServer> StartAsync(ProxyKind kind, bool tls = true) => ProxyProcess.StartAsync(kind, Variables(tls), _scratch.Folder, _scratch.HttpsPort);

    /// <summary>curl by the app's name (resolved to 127.0.0.1), trusting the stack's CA only when <paramref name="trustCa"/>.</summary>
    private Task<CommandResult> CurlAsync(string url, bool trustCa = true) =>
        CommandLine.RunAsync("curl", [
            "-s", "--max-time", "5", "-o", "/dev/null", "-D", "-", "-w", "STATUS %{http_code} %{redirect_url}\n",
            "--resolve", $"{Domain}:{_scratch.HttpsPort}:127.0.0.1", "--resolve", $"{Domain}:{_scratch.HttpPort}:127.0.0.1",
            .. trustCa ? new[] { "--cacert", _scratch.Context.Certificates.CaCertificateFile } : [],
            url]);

    public static TheoryData<ProxyKind> Kinds => new(ProxyKind.Haproxy, ProxyKind.Nginx);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_proxy_serves_HTTPS_with_the_stack_certificate_and_HSTS(ProxyKind kind)
    {
        using var proxy = await StartAsync(kind);

        var secure = await CurlAsync($"https://{Domain}:{_scratch.HttpsPort}/cart");

        // No app is up: the proxy's own answer, through TLS verified against the stack's CA for the app's name.
        Assert.Contains(kind == ProxyKind.Haproxy ? "STATUS 503" : "STATUS 502", secure.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/2", secure.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("strict-transport-security: max-age=31536000", secure.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Plain_HTTP_gets_a_redirect_to_the_HTTPS_port_and_nothing_else_health_included(ProxyKind kind)
    {
        using var proxy = await StartAsync(kind);

        foreach (var path in new[] { "/cart?x=1", "/health/ready", "/" })
        {
            var plain = await CurlAsync($"http://{Domain}:{_scratch.HttpPort}{path}");

            Assert.Contains($"STATUS 301 https://{Domain}:{_scratch.HttpsPort}{path}", plain.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("set-cookie", plain.StandardOutput, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_client_without_the_stack_CA_gets_no_answer(ProxyKind kind)
    {
        using var proxy = await StartAsync(kind);

        var stranger = await CurlAsync($"https://{Domain}:{_scratch.HttpsPort}/cart", trustCa: false);

        Assert.Equal(60, stranger.ExitCode); // curl: peer certificate cannot be authenticated with known CA certificates
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_plaintext_twin_that_measures_TLS_serves_plain_HTTP_on_the_proxy_port(ProxyKind kind)
    {
        using var proxy = await StartAsync(kind, tls: false);

        var plain = await CurlAsync($"http://{Domain}:{_scratch.HttpsPort}/cart");

        Assert.Contains(kind == ProxyKind.Haproxy ? "STATUS 503" : "STATUS 502", plain.StandardOutput, StringComparison.Ordinal);
    }
}
