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
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await AcceptsAsync(port))
        {
            if (server._process.HasExited || DateTime.UtcNow > deadline)
            {
                server.Dispose();
                throw new InvalidOperationException($"{file} did not listen on {port}: {await server._stderr}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
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
