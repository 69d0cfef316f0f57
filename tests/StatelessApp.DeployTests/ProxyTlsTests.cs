using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// TLS at the proxies, with the real HAProxy and nginx and the same config files the local stack runs: off unless
/// PROXY_TLS_BIND has a value (the local stack never sets it, and then nothing changes); on, the proxy serves HTTPS
/// with the certificate file and redirects plain HTTP, except the health endpoints.
/// No app runs behind them: a 503/502 from the proxy itself proves the request got through TLS to the proxy.
/// </summary>
public sealed class ProxyTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("proxy-tls-").FullName;
    private readonly int _http = LoopbackPorts.FreeTcp();
    private readonly int _https = LoopbackPorts.FreeTcp();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Certificate => Path.Combine(_folder, "proxy.pem");

    /// <summary>The variables the controller gives a proxy (ProxyServer.Variables), pointing at ports where nothing listens.</summary>
    private Dictionary<string, string> LocalStackVariables() => new(StringComparer.Ordinal)
    {
        ["PROXY_REGION"] = "a",
        ["PROXY_BIND"] = $"127.0.0.1:{_http}",
        ["LOCAL_APP1"] = $"127.0.0.1:{LoopbackPorts.FreeTcp()}",
        ["LOCAL_APP2"] = $"127.0.0.1:{LoopbackPorts.FreeTcp()}",
        ["REMOTE_APP1"] = $"127.0.0.1:{LoopbackPorts.FreeTcp()}",
        ["REMOTE_APP2"] = $"127.0.0.1:{LoopbackPorts.FreeTcp()}",
    };

    private async Task<Dictionary<string, string>> TlsVariablesAsync()
    {
        var key = Path.Combine(_folder, "key.pem");
        var certificate = Path.Combine(_folder, "certificate.pem");
        var made = await CommandLine.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=app.stateless.test", "-keyout", key, "-out", certificate]);
        Assert.True(made.Succeeded, made.ToString());
        await File.WriteAllTextAsync(Certificate, await File.ReadAllTextAsync(certificate) + await File.ReadAllTextAsync(key));
        var variables = LocalStackVariables();
        variables["PROXY_TLS_BIND"] = $"127.0.0.1:{_https}";
        variables["PROXY_TLS_CERT"] = Certificate;
        return variables;
    }

    private static Task<CommandResult> CurlAsync(string url) =>
        CommandLine.RunAsync("curl", ["-sk", "--max-time", "5", "-o", "/dev/null", "-D", "-", "-w", "STATUS %{http_code} %{redirect_url}\n", url]);

    private Task<RunningServer> StartHaproxyAsync(IReadOnlyDictionary<string, string> variables) =>
        RunningServer.StartAsync("haproxy", ["-db", "-f", Repository.PathOf("deploy", "haproxy", "haproxy.cfg")], variables, _http);

    /// <summary>Runs nginx as the controller does (template rendered into a prefix folder) and, for TLS, as the container does (tls.d).</summary>
    private async Task<RunningServer> StartNginxAsync(IReadOnlyDictionary<string, string> variables, bool tls)
    {
        var prefix = Path.Combine(_folder, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "temp"));
        await RenderAsync("deploy/nginx/nginx.conf.template", Path.Combine(prefix, "nginx.conf"), variables);
        if (tls)
        {
            Directory.CreateDirectory(Path.Combine(prefix, "tls.d"));
            await RenderAsync("deploy/nginx/tls.conf.template", Path.Combine(prefix, "tls.d", "tls.conf"), variables);
        }

        return await RunningServer.StartAsync("nginx", ["-p", prefix + "/", "-c", Path.Combine(prefix, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            new Dictionary<string, string>(), _http);
    }

    private static async Task RenderAsync(string template, string output, IReadOnlyDictionary<string, string> variables)
    {
        var result = await CommandLine.RunAsync("env", ["-i", .. variables.Select(v => $"{v.Key}={v.Value}"), "sh", Repository.PathOf("deploy", "compose", "render.sh"), Repository.PathOf(template), output]);
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task HAProxy_with_the_local_stacks_variables_serves_plain_HTTP_only()
    {
        using var haproxy = await StartHaproxyAsync(LocalStackVariables());

        var plain = await CurlAsync($"http://127.0.0.1:{_http}/");

        // HAProxy's own 503 (no server up) skips the http-response rules: the status alone says it answered.
        Assert.Contains("STATUS 503", plain.StandardOutput, StringComparison.Ordinal);
        Assert.False(await RunningServer.AcceptsAsync(_https), "no HTTPS listener without PROXY_TLS_BIND");
    }

    [Fact]
    public async Task HAProxy_with_TLS_on_serves_HTTPS_and_redirects_plain_HTTP_except_health()
    {
        using var haproxy = await StartHaproxyAsync(await TlsVariablesAsync());

        var secure = await CurlAsync($"https://127.0.0.1:{_https}/cart");
        var plain = await CurlAsync($"http://127.0.0.1:{_http}/cart");
        var health = await CurlAsync($"http://127.0.0.1:{_http}/health/ready");

        Assert.Contains("STATUS 503", secure.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/2 503", secure.StandardOutput, StringComparison.Ordinal); // TLS with ALPN h2, as configured
        Assert.Contains($"STATUS 301 https://127.0.0.1:{_http}/cart", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("STATUS 503", health.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task nginx_as_the_local_stack_renders_it_serves_plain_HTTP_only()
    {
        using var nginx = await StartNginxAsync(LocalStackVariables(), tls: false);

        var plain = await CurlAsync($"http://127.0.0.1:{_http}/");

        Assert.Contains("STATUS 502", plain.StandardOutput, StringComparison.Ordinal);
        Assert.False(await RunningServer.AcceptsAsync(_https), "no HTTPS listener without tls.d");
    }

    [Fact]
    public async Task nginx_with_the_TLS_snippet_serves_HTTPS_and_redirects_plain_HTTP_except_health()
    {
        using var nginx = await StartNginxAsync(await TlsVariablesAsync(), tls: true);

        var secure = await CurlAsync($"https://127.0.0.1:{_https}/cart");
        var plain = await CurlAsync($"http://127.0.0.1:{_http}/cart");
        var health = await CurlAsync($"http://127.0.0.1:{_http}/health/ready");

        Assert.Contains("STATUS 502", secure.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("x-proxy-region: a", secure.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("STATUS 301 https://127.0.0.1/cart", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("STATUS 502", health.StandardOutput, StringComparison.Ordinal);
    }
}
