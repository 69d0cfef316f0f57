using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and a free port, answering one name with the A records the test gives (TTL 1 s), as the
/// stack's witness DNS does. <see cref="Stop"/> kills it (a DNS outage).
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("statelessapp-dns-").FullName;
    private Process? _process;

    private DnsmasqServer(int port) => Port = port;

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public static async Task<DnsmasqServer> StartAsync(string name, params IPAddress[] addresses)
    {
        // dnsmasq binds the port for UDP and TCP; a port free for UDP can be taken for TCP by a parallel test: retry.
        for (var attempt = 1; ; attempt++)
        {
            var server = new DnsmasqServer(FreeUdpPort());
            try
            {
                await server.LaunchAsync(name, addresses);
                return server;
            }
            catch (Exception e) when (attempt < 3 && e is InvalidOperationException or DnsClient.DnsResponseException)
            {
                await server.DisposeAsync();
            }
        }
    }

    private async Task LaunchAsync(string name, IPAddress[] addresses)
    {
        var hosts = Path.Combine(_directory, "hosts");
        await File.WriteAllLinesAsync(hosts, addresses.Select(a => $"{a} {name}"));
        // dnsmasq drops root privileges before it reads the hosts file: the folder must be readable by others.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }

        var start = new ProcessStartInfo("dnsmasq",
        [
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--local-ttl=1",
            "--listen-address=127.0.0.1", $"--port={Port.ToString(CultureInfo.InvariantCulture)}", $"--addn-hosts={hosts}",
            "--pid-file=", "--log-facility=-",
        ])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
        _ = _process.StandardError.ReadToEndAsync();
        _ = _process.StandardOutput.ReadToEndAsync();
        var client = new DnsClient.LookupClient(new DnsClient.LookupClientOptions(EndPoint) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 });
        for (var deadline = DateTime.UtcNow.AddSeconds(15); ; await Task.Delay(50))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dnsmasq on port {Port} exited with {_process.ExitCode}");
            }

            try
            {
                if ((await client.QueryAsync(name, DnsClient.QueryType.A)).Answers.Count == addresses.Length)
                {
                    return;
                }
            }
            catch (DnsClient.DnsResponseException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
