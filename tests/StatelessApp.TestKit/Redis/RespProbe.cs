using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatelessApp.TestKit.Redis;

/// <summary>
/// Commands over a raw socket to a Redis server or Sentinel on 127.0.0.1, so readiness does not depend on any client
/// library's retry logic.
/// </summary>
internal static class RespProbe
{
    /// <summary>
    /// Sends <paramref name="commands"/> (inline, CRLF-terminated) and reports whether the reply contains
    /// <paramref name="expected"/> before any error ("-LOADING", an auth error, a null "*-1"): ready or not (yet).
    /// </summary>
    public static async Task<bool> RepliesAsync(int port, string commands, string expected, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(commands), timeout.Token);

            var reply = new StringBuilder();
            var buffer = new byte[512];
            while (!reply.ToString().Contains(expected, StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (reply.ToString().Contains('-', StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
