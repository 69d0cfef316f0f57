using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using StatelessApp.Stack.Security;

namespace StatelessApp.TestKit.Redis;

/// <summary>
/// One attempt against a Redis node or a Sentinel over a raw connection of its own (optionally TLS, checked against a
/// CA): optionally AUTH, then one command, and the first line of each reply as the server sent it ("+OK",
/// "-NOPERM ...", "-WRONGPASS ..."). Raw, so that a refusal is the server's and never a client library's.
/// </summary>
public static class RespAttempt
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The reply to <paramref name="command"/> after AUTH <paramref name="user"/> (none when null).</summary>
    public static async Task<string> RunAsync(IPAddress address, int port, string? caCertificateFile, (string User, string Password)? user,
        IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(address, port, timeout.Token);
        await using var stream = await OpenAsync(client, address, caCertificateFile, timeout.Token);
        var reader = new LineReader(stream);
        if (user is var (name, password))
        {
            await stream.WriteAsync(Encode(["AUTH", name, password]), timeout.Token);
            var auth = await reader.ReadLineAsync(timeout.Token);
            if (auth != "+OK")
            {
                return auth;
            }
        }

        await stream.WriteAsync(Encode(command), timeout.Token);
        return await reader.ReadLineAsync(timeout.Token);
    }

    /// <summary>
    /// What a plaintext client gets from a TLS-only port: a RESP PING sent in the clear, and whatever comes back (a
    /// reply line, or how the connection ended). A server that only speaks TLS never answers +PONG or -NOAUTH.
    /// </summary>
    public static async Task<string> PlaintextPingAsync(IPAddress address, int port, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(address, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encode(["PING"]), timeout.Token);
            var line = await new LineReader(stream).ReadLineAsync(timeout.Token);
            return line.Length == 0 ? "connection closed without a reply" : line;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return $"{(e.InnerException ?? e).Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no reply within {Timeout.TotalSeconds:0} s";
        }
    }

    private static async Task<Stream> OpenAsync(TcpClient client, IPAddress address, string? caCertificateFile, CancellationToken cancellationToken)
    {
        if (caCertificateFile is null)
        {
            return client.GetStream();
        }

        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = address.ToString(),
            RemoteCertificateValidationCallback = CaTrust.ServerValidator(caCertificateFile),
        }, cancellationToken);
        return tls;
    }

    private static byte[] Encode(IReadOnlyList<string> parts) =>
        Encoding.UTF8.GetBytes($"*{parts.Count}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n")));

    /// <summary>Reads CRLF-terminated lines; an empty string when the peer closed the connection first.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1024];
        private readonly StringBuilder _pending = new();

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = _pending.ToString();
                var end = text.IndexOf("\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.Remove(0, end + 2);
                    return text[..end];
                }

                var read = await stream.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    return "";
                }

                _pending.Append(Encoding.UTF8.GetString(_buffer, 0, read));
            }
        }
    }
}
