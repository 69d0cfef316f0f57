using System.Net;
using System.Net.Sockets;

namespace StatelessApp.TestKit.Network;

/// <summary>
/// Ports on 127.0.0.1 that were free a moment ago (the OS picks them), for servers the tests start. Never the same
/// port twice in one test run: the kernel picks at random and may offer a port it just released again, and two
/// listeners given one port can share it (HAProxy binds with SO_REUSEPORT), each then answering half the connections.
/// </summary>
public static class LoopbackPorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOutTcp = [];
    private static readonly HashSet<int> HandedOutUdp = [];

    public static int FreeTcp() => Unused(HandedOutTcp, () =>
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    });

    public static int FreeUdp() => Unused(HandedOutUdp, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    });

    private static int Unused(HashSet<int> handedOut, Func<int> pick)
    {
        while (true)
        {
            var port = pick();
            lock (Gate)
            {
                if (handedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
