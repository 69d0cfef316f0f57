using System.Diagnostics;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Redis;

/// <summary>One real <c>redis-sentinel</c> watching a <see cref="RedisServer"/>, same password (as in the stack).</summary>
public sealed class SentinelServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private SentinelServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SentinelServer> StartAsync(RedisServer primary, string serviceName, int? port = null)
    {
        var directory = Directory.CreateTempSubdirectory("statelessapp-sentinel-").FullName;
        port ??= LoopbackPorts.FreeTcp();
        var config = Path.Combine(directory, "sentinel.conf");

        // Sentinel rewrites its config file, so it lives in a writable temp directory.
        await File.WriteAllTextAsync(config, string.Join('\n',
            "bind 127.0.0.1",
            $"port {port}",
            "daemonize no",
            $"dir {directory}",
            $"logfile {Path.Combine(directory, "sentinel.log")}",
            $"requirepass {primary.Password}",
            $"sentinel monitor {serviceName} 127.0.0.1 {primary.Port} 1",
            $"sentinel auth-pass {serviceName} {primary.Password}",
            ""));

        var process = Process.Start(new ProcessStartInfo("redis-sentinel", config) { UseShellExecute = false })
            ?? throw new InvalidOperationException("redis-sentinel did not start");
        var sentinel = new SentinelServer(process, directory, port.Value);

        try
        {
            await Poll.UntilAsync($"redis-sentinel on port {port} to report primary {serviceName}", async cancellationToken =>
                !process.HasExited ? await sentinel.KnowsPrimaryAsync(serviceName, primary.Password, cancellationToken)
                : throw new InvalidOperationException($"redis-sentinel on port {port} exited with {process.ExitCode}"),
                TimeSpan.FromSeconds(15));
            return sentinel;
        }
        catch
        {
            await sentinel.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is cleaned by the OS eventually.
        }

        return ValueTask.CompletedTask;
    }

    private Task<bool> KnowsPrimaryAsync(string serviceName, string password, CancellationToken cancellationToken) =>
        RespProbe.RepliesAsync(Port, $"AUTH {password}\r\nSENTINEL get-master-addr-by-name {serviceName}\r\n", "127.0.0.1", cancellationToken);
}
