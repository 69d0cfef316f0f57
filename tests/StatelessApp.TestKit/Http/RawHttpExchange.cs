using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace StatelessApp.TestKit.Http;

/// <summary>
/// One HTTP/1.x request written byte for byte on a fresh connection, and the answer read until the server closes it:
/// for requests no HttpClient would send (no Host, a bad Host, oversized or malformed headers, invalid bytes).
/// </summary>
public static class RawHttpExchange
{
    /// <param name="endpoint">Where to connect.</param>
    /// <param name="tlsName">The TLS server name (SNI), or null for plain HTTP.</param>
    /// <param name="validator">Checks the server's certificate (with TLS).</param>
    /// <param name="request">The request's bytes (it should say <c>Connection: close</c>).</param>
    /// <param name="cancellationToken">Bounds the whole exchange.</param>
    public static async Task<RawHttpAnswer> SendAsync(IPEndPoint endpoint, string? tlsName, RemoteCertificateValidationCallback? validator,
        byte[] request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(request);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, cancellationToken);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (tlsName is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = tlsName,
                    RemoteCertificateValidationCallback = validator,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, cancellationToken);
            }

            // Reading starts before writing: a server refusing an oversized request answers and closes while the client
            // still writes, and the reset that follows discards whatever the client has not read yet. Once the answer is
            // in, the rest of the request no longer matters: writing stops.
            using var received = new MemoryStream();
            using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writing = Task.CompletedTask;
            try
            {
                var reading = ReadAnswerAsync(stream, received, cancellationToken);
                writing = WriteRequestAsync(stream, request, stopWriting.Token);
                await reading;
            }
            finally
            {
                await stopWriting.CancelAsync();
                await writing;
            }

            return RawHttpAnswer.Parse(Encoding.Latin1.GetString(received.ToArray()));
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>Writes the request; a server that answered and closed, or an answer already read, ends it early.</summary>
    private static async Task WriteRequestAsync(Stream stream, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(request, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads until the answer is complete or the server closes: a proxy may keep the connection open after
    /// answering while it still waits for a body the client announced and never sent.</summary>
    private static async Task ReadAnswerAsync(Stream stream, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while (!RawHttpAnswer.IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length))
                   && (read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer (the server closed with unread request bytes): the answer is complete.
        }
    }
}

/// <summary>A raw HTTP answer: its status (0 when the server closed without answering), head and body.</summary>
public sealed record RawHttpAnswer(int Status, string Head, string Body)
{
    public static RawHttpAnswer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var body = end < 0 ? "" : text[(end + 4)..];
        var parts = head.Split(' ', 3);
        var status = parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(parts[1], out var code) ? code : 0;
        return new RawHttpAnswer(status, head, body);
    }

    /// <summary>Whether <paramref name="received"/> holds a whole answer: its head and the body its Content-Length or chunks announce.</summary>
    public static bool IsComplete(ReadOnlySpan<byte> received)
    {
        var text = Encoding.Latin1.GetString(received);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var answer = Parse(text);
        if (answer.Header("Content-Length") is { } length && int.TryParse(length, out var bytes))
        {
            return Encoding.Latin1.GetByteCount(answer.Body) >= bytes;
        }

        return answer.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            && answer.Body.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    /// <summary>A header's value from the head (the first of that name), or null.</summary>
    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();

    /// <summary>"431 Request Header Fields Too Large", the status line without the version: the security table's answer.</summary>
    public string StatusLine => Status == 0 ? "connection closed without an answer" : Head.Split("\r\n")[0].Split(' ', 2)[1];
}
