using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace StatelessApp.TestKit.Network;

/// <summary>
/// A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects from a chosen source address (any 127.x.y.z works on
/// loopback), so one test process can play several clients as a server tells them apart: by address.
/// </summary>
public static class SourceAddressConnector
{
    /// <summary>Connects from <paramref name="source"/> to <paramref name="target"/>, whatever host the request names.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> From(IPAddress source, IPEndPoint target) =>
        async (_, cancellationToken) =>
        {
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(target, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
