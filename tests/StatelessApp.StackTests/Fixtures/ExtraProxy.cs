using System.Diagnostics;
using System.Net;
using System.Text;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>
/// A proxy of the other kind than the stack's (nginx beside HAProxy, or the reverse) in front of the same app instances:
/// region A's proxy definition, rendered by the stack's own server class and started once more on a spare address of
/// region A (host part .19, which no node uses), so one test run sends the same requests through both kinds. It uses
/// proxy-a's certificate (it carries the stack's name) and folder; it is stopped when disposed.
/// </summary>
public sealed class ExtraProxy : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExtraProxy(Node node, ProxyKind kind, Process process)
    {
        Node = node;
        Kind = kind;
        _process = process;
    }

    public Node Node { get; }

    public ProxyKind Kind { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ExtraProxy> StartAsync(StackFixture stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var context = stack.Controller.Context;
        var kind = context.ProxyKind == ProxyKind.Haproxy ? ProxyKind.Nginx : ProxyKind.Haproxy;
        var template = stack.Topology.NodeOf(NodeKind.Proxy, "a");
        var address = template.Address.GetAddressBytes();
        address[3] = 19;
        var node = template with { Address = new IPAddress(address) };
        var server = ServerCatalog.For(node, kind);
        server.Prepare(node, context);
        var spec = server.Launch(node, context);

        var start = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? context.Paths.DataOf(node.Name),
        };
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{spec.FileName} did not start");
        var proxy = new ExtraProxy(node, kind, process);
        process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync($"the extra {kind} proxy on {node.Endpoint} to reach an app",
                async cancellationToken => (await proxy.SendAsync(stack, Encoding.ASCII.GetBytes(
                    $"GET /health/ready HTTP/1.1\r\nHost: {stack.Topology.Domain}:{node.Port}\r\nConnection: close\r\n\r\n"), cancellationToken)).Status,
                status => status == 200, TimeSpan.FromSeconds(30),
                retryOn: e => e is System.Net.Sockets.SocketException or IOException);
        }
        catch (Exception e) when (e is TimeoutException)
        {
            proxy.Dispose();
            throw new TimeoutException($"{e.Message}\n{proxy.Output}", e);
        }

        return proxy;
    }

    /// <summary>Sends raw bytes over TLS to this proxy, as a client of the stack's name.</summary>
    public Task<RawHttpAnswer> SendAsync(StackFixture stack, byte[] request, CancellationToken cancellationToken) =>
        RawHttpExchange.SendAsync(new IPEndPoint(Node.Address, Node.Port), stack.Topology.Domain,
            stack.Controller.Context.Certificates.ServerValidator(), request, cancellationToken);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
