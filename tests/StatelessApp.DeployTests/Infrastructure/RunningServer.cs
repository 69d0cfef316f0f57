using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>A real server process (haproxy, nginx) on a loopback port for one test; killed, with its children, on dispose.</summary>
public sealed class RunningServer : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private RunningServer(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public static async Task<RunningServer> StartAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int port)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var server = new RunningServer(Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}"));
        try
        {
            await Poll.UntilAsync($"{file} to listen on {port}", async _ =>
                !server._process.HasExited ? await AcceptsAsync(port) : throw new InvalidOperationException($"{file} exited"),
                TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            server.Dispose();
            throw new InvalidOperationException($"{file} did not listen on {port} ({e.Message}): {await server._stderr}", e);
        }

        return server;
    }

    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
