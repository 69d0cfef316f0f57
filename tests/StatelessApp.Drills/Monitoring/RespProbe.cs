using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Monitoring;

/// <summary>
/// Asks one Redis node, over a raw connection, whether it accepts a write right now (AUTH, then SET of a probe key):
/// "+OK" on a primary, "-READONLY" on a replica. Raw, because a client library routes writes to whichever node it
/// believes is primary, and the question here is what each node does. As the stack's ACL user <c>admin</c>, over TLS
/// checked against the stack's CA when the stack runs with TLS.
/// </summary>
internal static class RespProbe
{
    public static async Task<bool> AcceptsWriteAsync(StackContext context, Node node, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(node.Address, node.Port, timeout.Token);
            await using var stream = await OpenAsync(context, client, node, timeout.Token);
            var command = Encode("AUTH", RedisUsers.Admin, context.Secrets.RedisAdminPassword) + Encode("SET", "drill:probe:" + node.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command), timeout.Token);
            var buffer = new byte[512];
            var text = new StringBuilder();
            while (text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length < 2)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            var replies = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            return replies[0] == "+OK" && replies[1] == "+OK";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>The node's first reply line to AUTH <paramref name="user"/> <paramref name="password"/>: "+OK" or the refusal ("-WRONGPASS …").</summary>
    public static async Task<string> AuthAnswerAsync(StackContext context, Node node, string user, string password, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync(node.Address, node.Port, timeout.Token);
        await using var stream = await OpenAsync(context, client, node, timeout.Token);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Encode("AUTH", user, password)), timeout.Token);
        var buffer = new byte[512];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString().Split("\r\n")[0];
    }

    private static async Task<Stream> OpenAsync(StackContext context, TcpClient client, Node node, CancellationToken cancellationToken)
    {
        if (!context.Tls)
        {
            return client.GetStream();
        }

        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = node.Address.ToString(),
            RemoteCertificateValidationCallback = CaTrust.ServerValidator(context.Certificates.CaCertificateFile),
        }, cancellationToken);
        return tls;
    }

    private static string Encode(params string[] parts) =>
        $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n"));
}
