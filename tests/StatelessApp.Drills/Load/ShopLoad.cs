using System.Diagnostics;
using System.Net.Security;

namespace StatelessApp.Drills.Load;

/// <summary>
/// A bounded mixed load: <c>shoppers</c> virtual shoppers, each on its own failover-capable client through the stack's
/// DNS name (HTTPS, the server checked with <c>serverValidator</c>), until stopped. The clock starts with the load; faults are marked on the same clock.
/// </summary>
public sealed class ShopLoad : IAsyncDisposable
{
    private readonly List<VirtualShopper> _shoppers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly List<(TimeSpan At, string What)> _marks = [];

    public ShopLoad(int shoppers, Uri site, string dnsServer, RemoteCertificateValidationCallback serverValidator)
    {
        StartTimestamp = Stopwatch.GetTimestamp();
        StartedAt = DateTimeOffset.UtcNow;
        Clock = Stopwatch.StartNew();
        _shoppers = [.. Enumerable.Range(1, shoppers).Select(i => new VirtualShopper(i, site, dnsServer, serverValidator, Clock))];
    }

    public Stopwatch Clock { get; }

    /// <summary>When <see cref="Clock"/> started, for placing other timestamps (the primary watch's) on it.</summary>
    public long StartTimestamp { get; }

    /// <summary>The same moment on the wall clock, for placing what other processes timestamp (Prometheus's alerts) on it.</summary>
    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<VirtualShopper> Shoppers => _shoppers;

    public IReadOnlyList<(TimeSpan At, string What)> Marks => _marks;

    public IEnumerable<OperationRecord> History => _shoppers.SelectMany(s => s.History).OrderBy(r => r.Start);

    public void Start()
    {
        foreach (var shopper in _shoppers)
        {
            _running.Add(Task.Run(() => shopper.RunAsync(_stop.Token)));
        }
    }

    /// <summary>Marks a moment of the drill (fault injected, healed) on the load's clock and returns it.</summary>
    public TimeSpan Mark(string what)
    {
        var at = Clock.Elapsed;
        lock (_marks)
        {
            _marks.Add((at, what));
        }

        return at;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var shopper in _shoppers)
        {
            shopper.Dispose();
        }

        _stop.Dispose();
    }
}
