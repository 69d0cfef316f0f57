using System.Net;
using System.Net.Sockets;
using StatelessApp.Stack;
using StatelessApp.Stack.Startup;
using StatelessApp.Stack.Topology;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>
/// Both regions' proxies replaced by the other kind (HAProxy ↔ nginx) on the same addresses, with the same config files
/// and variables, until disposed: then the stack's own kind again. So a test can show a behaviour with each proxy kind
/// on one running stack; the other nodes are left alone.
/// </summary>
public sealed class ProxySwap : IAsyncDisposable
{
    private readonly StackController _stack;
    private readonly StackController? _other;

    private ProxySwap(StackController stack, StackController? other)
    {
        _stack = stack;
        _other = other;
    }

    /// <summary>The proxies as <paramref name="kind"/>: nothing to do when the stack already runs that kind.</summary>
    public static async Task<ProxySwap> ToAsync(StackController stack, ProxyKind kind, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (stack.Context.ProxyKind == kind)
        {
            return new ProxySwap(stack, other: null);
        }

        var other = new StackController(stack.Paths, stack.Topology, output, kind);
        try
        {
            await ReplaceAsync(stack, other);
        }
        catch
        {
            other.Dispose();
            throw;
        }

        return new ProxySwap(stack, other);
    }

    public async ValueTask DisposeAsync()
    {
        if (_other is not null)
        {
            await ReplaceAsync(_other, _stack);
            _other.Dispose();
        }
    }

    /// <summary>Kills <paramref name="from"/>'s proxies, starts <paramref name="to"/>'s and waits until they route to a ready app.</summary>
    private static async Task ReplaceAsync(StackController from, StackController to)
    {
        var proxies = from.Topology.NodesOf(NodeKind.Proxy);
        foreach (var proxy in proxies)
        {
            from.Kill(proxy.Name);
        }

        // SIGKILL returns at once; the ports are free once the processes are gone.
        await Poll.UntilAsync("the killed proxies to free their ports", async _ =>
            {
                foreach (var proxy in proxies)
                {
                    foreach (var port in proxy.Ports)
                    {
                        if (await AcceptsAsync(new IPEndPoint(proxy.Address, port.Number)))
                        {
                            return false;
                        }
                    }
                }

                return true;
            },
            TimeSpan.FromSeconds(10));
        foreach (var proxy in proxies)
        {
            await to.StartAsync(proxy.Name);
        }

        await to.WaitUntilAsync("the proxies to route to a ready app", proxies,
            ct => ReadinessChecks.ProxiesNotRoutingAsync(proxies, to.Context, ct));
    }

    private static async Task<bool> AcceptsAsync(IPEndPoint endpoint)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
