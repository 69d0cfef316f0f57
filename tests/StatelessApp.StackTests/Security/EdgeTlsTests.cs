using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Security;

/// <summary>
/// HTTPS on every HTTP link that leaves a host, tried against the running stack: clients reach the proxies over HTTPS
/// only (plain HTTP gets a redirect and nothing of the app), every HTTPS answer carries HSTS, clients accept only a
/// certificate of the stack's CA, and an app instance answers no plaintext HTTP. Each attempt goes into the security table.
/// </summary>
[Collection(StackTestGroup.Name)]
public class EdgeTlsTests(StackFixture stack)
{
    private IReadOnlyList<Node> Proxies => stack.Topology.NodesOf(NodeKind.Proxy);

    [Fact]
    public async Task Plain_HTTP_to_a_proxy_gets_only_a_redirect_to_HTTPS()
    {
        foreach (var proxy in Proxies)
        {
            // The home page sets the shopper and antiforgery cookies whenever the app renders it.
            var redirectPort = ProxyServer.RedirectPort(proxy);
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{proxy.Address}:{redirectPort}/?page=1"));
            request.Headers.Host = $"{stack.Topology.Domain}:{redirectPort}";

            using var response = await client.SendAsync(request);

            var location = response.Headers.Location?.ToString() ?? "(none)";
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Count() : 0;
            var servedByApp = response.Headers.Contains("X-Served-By");
            var refused = response.StatusCode == HttpStatusCode.MovedPermanently
                && location == $"https://{stack.Topology.Domain}:{proxy.Port}/?page=1"
                && cookies == 0 && !servedByApp;
            SecurityAttempts.Record($"client → {proxy.Name} ({stack.Controller.Context.ProxyKind.ToString().ToLowerInvariant()})",
                "GET / over plain HTTP",
                $"{(int)response.StatusCode} Location: {location}; {cookies} cookie(s) set; served by an app: {(servedByApp ? "yes" : "no")}",
                refused);
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal($"https://{stack.Topology.Domain}:{proxy.Port}/?page=1", location);
            Assert.Equal(0, cookies);
            Assert.False(servedByApp, "an app answered a plain HTTP request");
        }
    }

    [Fact]
    public async Task Every_HTTPS_answer_of_a_proxy_carries_HSTS()
    {
        using var shopper = stack.NewShopper();
        foreach (var region in StackTopology.DataRegions)
        {
            foreach (var path in new[] { "", "health/live", "no-such-page" })
            {
                using var response = await shopper.Through(region).GetAsync(path);

                Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts),
                    $"region {region} /{path} ({(int)response.StatusCode}) has no Strict-Transport-Security");
                Assert.Equal("max-age=31536000", Assert.Single(hsts));
            }
        }
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_stack_CA_cannot_talk_to_a_proxy()
    {
        // No validator: the machine's trust store, which does not hold the stack's CA.
        using var stranger = new RegionClients(stack.Topology, serverValidator: null);
        foreach (var region in StackTopology.DataRegions)
        {
            var error = await Record.ExceptionAsync(() => stranger.Through(region).GetAsync("health/live"));

            SecurityAttempts.Record($"client → proxy-{region} (HTTPS)", "client that trusts only the system store connects",
                Describe(error), refused: error is HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException });
            Assert.IsType<System.Security.Authentication.AuthenticationException>(Assert.IsType<HttpRequestException>(error).InnerException);
        }
    }

    [Fact]
    public async Task The_stacks_clients_refuse_a_server_whose_certificate_another_CA_signed()
    {
        // An impostor on the app's name with a certificate that names it correctly but is not the stack CA's.
        using var impostorCertificate = SelfSigned(stack.Topology.Domain);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = ServeOneHandshakeAsync(listener, impostorCertificate);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = stack.Controller.Context.Certificates.ServerValidator() },
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        var error = await Record.ExceptionAsync(() => client.GetAsync(new Uri($"https://{stack.Topology.Domain}:{port}/")));
        await serving;

        SecurityAttempts.Record("client → impostor of the proxies (HTTPS)", $"server with a self-signed certificate for {stack.Topology.Domain}",
            Describe(error), refused: error is HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException });
        Assert.IsType<System.Security.Authentication.AuthenticationException>(Assert.IsType<HttpRequestException>(error).InnerException);
    }

    [Fact]
    public async Task An_app_instance_answers_no_plaintext_HTTP()
    {
        foreach (var app in stack.Topology.NodesOf(NodeKind.App))
        {
            var answer = await PlaintextRequestAsync(app.Address, app.Port, $"GET /health/ready HTTP/1.1\r\nHost: {app.Endpoint}\r\nConnection: close\r\n\r\n");

            var refused = !answer.StartsWith("HTTP/", StringComparison.Ordinal);
            SecurityAttempts.Record($"client → {app.Name}", "GET /health/ready over plain HTTP, straight to the instance",
                answer.Length == 0 ? "connection closed without an answer" : $"{answer.Length} bytes, not HTTP", refused);
            Assert.True(refused, $"{app.Name} answered plaintext HTTP: {answer}");
        }
    }

    [Fact]
    public async Task The_app_sees_the_clients_scheme_https_through_the_proxies()
    {
        foreach (var region in StackTopology.DataRegions)
        {
            // A new shopper each time: one who has the cookies already is not sent them again.
            using var shopper = stack.NewShopper();
            // The home page's form needs an antiforgery cookie, which is Secure always: the app refuses to issue one
            // (an error, not a 200) for a request it sees as plain HTTP, i.e. without X-Forwarded-Proto from a known proxy.
            using var response = await shopper.Through(region).GetAsync("");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cookies = response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("__Host-", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(cookies);
            Assert.All(cookies, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Sends <paramref name="request"/> as plain bytes and returns what came back before the server closed (at most 1 KiB).</summary>
    private static async Task<string> PlaintextRequestAsync(IPAddress address, int port, string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address, port, timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var buffer = new byte[1024];
        var total = 0;
        try
        {
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), timeout.Token)) > 0)
            {
                total += read;
            }
        }
        catch (IOException)
        {
            // A reset is an answer too: nothing was served.
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }

    private static async Task ServeOneHandshakeAsync(TcpListener listener, X509Certificate2 certificate)
    {
        using var connection = await listener.AcceptTcpClientAsync();
        await using var tls = new SslStream(connection.GetStream());
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up after refusing the certificate: what the test expects.
        }
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Export/import: SslStream on Linux wants a certificate whose key is not an ephemeral handle.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    private static string Describe(Exception? error) =>
        error is null ? "connected and answered" : $"{error.GetType().Name}: {error.InnerException?.Message ?? error.Message}";
}
