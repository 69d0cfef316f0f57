using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Clients;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> that makes one name with several A records (one per region)
/// behave like a browser does: try the addresses one after another, each with a short connect timeout, and start
/// with the one that worked last time. .NET's own connect tries the addresses in order with no per-address timeout
/// (dotnet/runtime#87932), so a dead first address costs the OS connect timeout on every new connection.
/// </summary>
internal sealed class FailoverConnector(AddressResolver resolver, FailoverClientOptions options, TimeProvider time,
    ClientMetrics? metrics = null, string client = "")
{
    private readonly ConcurrentDictionary<IPAddress, long> _failedUntil = new();
    private volatile IPAddress? _lastGood;

    /// <summary>The address the last successful connection went to (for tests and diagnostics).</summary>
    public IPAddress? LastGood => _lastGood;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var addresses = Order(await resolver.ResolveAsync(endPoint.Host, cancellationToken));
        var failures = new List<Exception>();
        foreach (var address in addresses)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(options.PerAddressConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), attempt.Token);
                _lastGood = address;
                _failedUntil.TryRemove(address, out _);
                if (failures.Count > 0)
                {
                    metrics?.RecordFailover(client);
                }

                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                socket.Dispose();
                metrics?.RecordConnectFailure(client, e is OperationCanceledException ? MetricOutcome.Timeout : MetricOutcome.Error);
                _failedUntil[address] = time.GetTimestamp() + (long)(options.FailedAddressPenalty.TotalSeconds * time.TimestampFrequency);
                failures.Add(e is OperationCanceledException
                    ? new TimeoutException($"{address}:{endPoint.Port} did not accept within {options.PerAddressConnectTimeout.TotalMilliseconds:0} ms")
                    : new SocketException((int)((SocketException)e).SocketErrorCode, $"{address}:{endPoint.Port}: {e.Message}"));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError,
            $"None of the {addresses.Count} address(es) of {endPoint.Host} accepted a connection on port {endPoint.Port}.",
            new AggregateException(failures));
    }

    /// <summary>Last good first, then the others in DNS order, addresses that failed recently last.</summary>
    private List<IPAddress> Order(IReadOnlyList<IPAddress> addresses)
    {
        var now = time.GetTimestamp();
        var lastGood = _lastGood;
        return [.. addresses
            .Select((address, index) => (address, index))
            .OrderBy(a => _failedUntil.TryGetValue(a.address, out var until) && until > now ? 1 : 0)
            .ThenBy(a => a.address.Equals(lastGood) ? 0 : 1)
            .ThenBy(a => a.index)
            .Select(a => a.address)];
    }
}
