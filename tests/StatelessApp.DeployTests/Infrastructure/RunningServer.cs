using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StatelessApp.Stack.Processes;

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
            // Accepting is not enough: a port picked free may have been taken meanwhile by another test's server, and
            // nginx retries its bind for seconds before it exits, so the port must be held by this process (or its worker).
            await Poll.UntilAsync($"{file} to listen on {port}", async _ =>
                !server._process.HasExited
                    ? await AcceptsAsync(port) && server.HoldsPort(port)
                    : throw new InvalidOperationException($"{file} exited"),
                TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            server.Dispose();
            throw new InvalidOperationException($"{file} did not listen on {port} ({e.Message}): {await server._stderr}", e);
        }

        return server;
    }

    private bool HoldsPort(int port)
    {
        var holder = PortScanner.HolderOf(PortScanner.Listening(), IPAddress.Loopback, port, "tcp");
        return holder?.Pid is int pid && (pid == _process.Id || ParentOf(pid) == _process.Id);
    }

    /// <summary>The PPid line of /proc/&lt;pid&gt;/status; null when the process is gone.</summary>
    private static int? ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line["PPid:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
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
