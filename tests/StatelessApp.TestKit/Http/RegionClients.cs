using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using StatelessApp.Stack.Topology;

namespace StatelessApp.TestKit.Http;

/// <summary>
/// One shopper (one cookie jar) who reaches the app by its DNS name, https://app.stateless.test:PORT/, landing on
/// region A's or region B's proxy — what a browser does when DNS gives it one address and then the other. The name
/// is the same for both, so cookies (session, antiforgery, shopper id) travel from one region to the other. The
/// proxies' certificate is checked with <c>serverValidator</c> (null: the machine's trust store, which lacks the
/// stack's CA: a client that does not trust the stack).
/// </summary>
public sealed class RegionClients : IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public RegionClients(StackTopology topology, RemoteCertificateValidationCallback? serverValidator)
        : this(topology.Domain, StackTopology.DataRegions.ToDictionary(r => r, r => ProxyEndpoint(topology, r), StringComparer.Ordinal), serverValidator)
    {
    }

    /// <summary>The proxies reached where the deployment publishes them (e.g. each region host's public address, port 443).</summary>
    public RegionClients(string domain, IReadOnlyDictionary<string, IPEndPoint> proxies, RemoteCertificateValidationCallback? serverValidator)
    {
        ArgumentNullException.ThrowIfNull(proxies);
        var cookies = Cookies;
        foreach (var region in StackTopology.DataRegions)
        {
            var proxy = proxies[region];
            var handler = new SocketsHttpHandler
            {
                CookieContainer = cookies,
                AllowAutoRedirect = false,
                UseProxy = false,
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = serverValidator },
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(proxy, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _clients[region] = new HttpClient(handler)
            {
                BaseAddress = new Uri($"https://{domain}:{proxy.Port}/"),
                Timeout = TimeSpan.FromSeconds(30),
            };
        }
    }

    private static IPEndPoint ProxyEndpoint(StackTopology topology, string region)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var proxy = topology.NodeOf(NodeKind.Proxy, region);
        return new IPEndPoint(proxy.Address, proxy.Port);
    }

    /// <summary>The shopper's cookie jar (a test copies it to play someone who stole the cookies).</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>Through region A's proxy.</summary>
    public HttpClient A => _clients["a"];

    /// <summary>Through region B's proxy.</summary>
    public HttpClient B => _clients["b"];

    /// <summary>Through the proxy of the given data region ("a" or "b").</summary>
    public HttpClient Through(string region) => _clients[region];

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
