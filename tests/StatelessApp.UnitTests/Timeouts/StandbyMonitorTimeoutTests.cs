using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>
/// The standby monitor against a node that accepts the connection and never answers (a hung server): past
/// Consistency:ProbeTimeout the node is unreachable, with one warning; the caller's cancellation (start-up aborted,
/// the host stopping) propagates and leaves the node as it was, unlogged.
/// </summary>
public sealed class StandbyMonitorTimeoutTests : IDisposable
{
    private const int UnreachableEvent = 4001;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    // The kernel completes the TCP handshake from the backlog; nobody ever reads or writes.
    private readonly TcpListener _silentNode = new(IPAddress.Loopback, 0);
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<StandbyMonitor> _log = new();
    private readonly ReplicatedDataSource _dataSource;
    private readonly StandbyMonitor _monitor;

    public StandbyMonitorTimeoutTests()
    {
        _silentNode.Start();
        var port = ((IPEndPoint)_silentNode.LocalEndpoint).Port;
        _dataSource = ReplicatedDataSource.Create("silent", new ReplicatedDatabaseOptions
        {
            ConnectionString = $"Host=127.0.0.1:{port};Username=app;Password=unused;Database=app",
        }, NullLoggerFactory.Instance);
        _monitor = new StandbyMonitor(_dataSource, Options.Create(new ConsistencyOptions { ProbeTimeout = ProbeTimeout }), _time, _log);
    }

    [Fact]
    public async Task A_node_that_does_not_answer_within_ProbeTimeout_is_unreachable_with_one_warning()
    {
        var start = _monitor.StartAsync(CancellationToken.None);
        _time.Advance(ProbeTimeout);
        await start;
        await _monitor.StopAsync(CancellationToken.None);

        var node = Assert.Single(_monitor.Nodes);
        Assert.Equal(NodeRole.Unreachable, node.Role);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal((LogLevel.Warning, UnreachableEvent), (warning.Level, warning.EventId));
        Assert.Contains("no answer within 2000 ms", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_and_leaves_the_node_unprobed_and_unlogged()
    {
        using var caller = new CancellationTokenSource();
        var start = _monitor.StartAsync(caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Equal(NodeRole.Unknown, Assert.Single(_monitor.Nodes).Role);
        Assert.Empty(_log.Warnings);
    }

    public void Dispose()
    {
        _monitor.Dispose();
        _dataSource.Dispose();
        _silentNode.Stop();
        _silentNode.Dispose();
    }
}
