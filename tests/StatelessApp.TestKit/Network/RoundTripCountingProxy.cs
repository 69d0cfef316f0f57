using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatelessApp.TestKit.Network;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of one server that records the client's FLIGHTS: a flight is every byte the client
/// sends from the moment it starts sending until the server's next answer on that connection. A request–answer
/// protocol (PostgreSQL's included) cannot send its next flight before it has read the answer it waits for, so one flight
/// is one network round trip, however many statements (or BEGIN/COMMIT/Sync messages) it carries; pipelined messages
/// written together are one flight. Flights are kept per connection with their bytes (as Latin-1 text, to find SQL in
/// them: the server must not speak TLS through the relay).
/// </summary>
public sealed class RoundTripCountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Flight> _flights = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private int _connections;

    public RoundTripCountingProxy(IPEndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>One flight: the connection it went over (numbered from 1) and what the client sent.</summary>
    public sealed record Flight(int Connection, string Text);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every flight so far, in the order they started.</summary>
    public IReadOnlyList<Flight> Flights
    {
        get
        {
            lock (_lock)
            {
                return [.. _flights];
            }
        }
    }

    /// <summary>The flights recorded while <paramref name="action"/> ran (none of another connection is excluded: see the caller's quiet).</summary>
    public async Task<IReadOnlyList<Flight>> RecordAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int before;
        lock (_lock)
        {
            before = _flights.Count;
        }

        await action();
        lock (_lock)
        {
            return [.. _flights.Skip(before)];
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, Interlocked.Increment(ref _connections));
        }
    }

    private async Task RelayAsync(TcpClient client, int connection)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_server, _stop.Token);
                var state = new ConnectionState(connection);
                await Task.WhenAny(
                    PumpAsync(client.GetStream(), server.GetStream(), state, fromClient: true),
                    PumpAsync(server.GetStream(), client.GetStream(), state, fromClient: false));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // a connection closed by either side, or the relay stopped
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, ConnectionState state, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            // Recorded before relaying: the answer to these bytes cannot arrive before they are passed on.
            lock (_lock)
            {
                if (!fromClient)
                {
                    state.Current = null;
                }
                else
                {
                    var text = Encoding.Latin1.GetString(buffer, 0, read);
                    if (state.Current is { } open)
                    {
                        _flights[open] = _flights[open] with { Text = _flights[open].Text + text };
                    }
                    else
                    {
                        state.Current = _flights.Count;
                        _flights.Add(new Flight(state.Connection, text));
                    }
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private sealed class ConnectionState(int connection)
    {
        public int Connection { get; } = connection;

        /// <summary>The index of the flight the client is sending, or null once the server has answered.</summary>
        public int? Current { get; set; }
    }
}
