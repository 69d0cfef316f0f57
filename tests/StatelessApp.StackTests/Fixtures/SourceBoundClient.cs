using System.Net;
using System.Net.Security;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Network;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>
/// A client of one region's proxy (by the stack's DNS name, as <see cref="RegionClients"/>) whose connections leave from
/// <c>source</c>, any 127.x.y.z address: to the proxies and the app it is another client address, as another machine
/// would be. With <c>cookies</c> false it sends none (every request a first visit).
/// </summary>
public static class SourceBoundClient
{
    public static HttpClient Create(StackTopology topology, string region, IPAddress source, bool cookies,
        RemoteCertificateValidationCallback serverValidator)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var proxy = topology.NodeOf(NodeKind.Proxy, region);
        var handler = new SocketsHttpHandler
        {
            UseCookies = cookies,
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            UseProxy = false,
            MaxConnectionsPerServer = 64,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = serverValidator },
            ConnectCallback = SourceAddressConnector.From(source, new IPEndPoint(proxy.Address, proxy.Port)),
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://{topology.Domain}:{proxy.Port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }
}
