using System.Net;
using System.Net.Sockets;

namespace StatelessApp.TestKit.Network;

/// <summary>Ports on 127.0.0.1 that were free a moment ago (the OS picks them), for servers the tests start.</summary>
public static class LoopbackPorts
{
    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int FreeUdp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
