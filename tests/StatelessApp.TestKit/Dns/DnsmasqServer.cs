using System.Diagnostics;
using System.Globalization;
using System.Net;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Dns;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and a free port, answering one name with the A records the test gives (TTL 1 s unless
/// the test asks otherwise), as the stack's witness DNS does. <see cref="Stop"/> kills it (a DNS outage).
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("statelessapp-dns-").FullName;
    private Process? _process;

    private DnsmasqServer(int port) => Port = port;

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public static Task<DnsmasqServer> StartAsync(string name, params IPAddress[] addresses) => StartAsync(name, ttlSeconds: 1, addresses);

    /// <summary>With TTL 0, a client cannot answer from its cache: every lookup reaches the server.</summary>
    public static async Task<DnsmasqServer> StartAsync(string name, int ttlSeconds, params IPAddress[] addresses)
    {
        // dnsmasq binds the port for UDP and TCP; a port free for UDP can be taken for TCP by a parallel test: retry.
        for (var attempt = 1; ; attempt++)
        {
            var server = new DnsmasqServer(LoopbackPorts.FreeUdp());
            try
            {
                await server.LaunchAsync(name, ttlSeconds, addresses);
                return server;
            }
            catch (Exception e) when (attempt < 3 && e is InvalidOperationException or DnsClient.DnsResponseException)
            {
                await server.DisposeAsync();
            }
        }
    }

    private async Task LaunchAsync(string name, int ttlSeconds, IPAddress[] addresses)
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
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", $"--local-ttl={ttlSeconds.ToString(CultureInfo.InvariantCulture)}",
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
        var process = _process;
        await Poll.UntilAsync($"dnsmasq on port {Port} to answer {name} with {addresses.Length} A records", async cancellationToken =>
            !process.HasExited ? (await client.QueryAsync(name, DnsClient.QueryType.A, cancellationToken: cancellationToken)).Answers.Count
            : throw new InvalidOperationException($"dnsmasq on port {Port} exited with {process.ExitCode}"),
            answers => answers == addresses.Length, TimeSpan.FromSeconds(15), retryOn: e => e is DnsClient.DnsResponseException);
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
}
