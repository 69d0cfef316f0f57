using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Monitoring;

/// <summary>
/// Asks every proxy for /api/status every 200 ms during a drill (operators' view: the answer names the instance that
/// served it and the version it runs), so the drill sees which versions served side by side and when.
/// </summary>
public sealed class VersionWatch : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TimeSpan At, string Version, string Instance)> _seen = [];
    private readonly HttpClient _client;
    private readonly Task _loop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private VersionWatch(DrillStackFixture stack)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new() { RemoteCertificateValidationCallback = stack.Controller.Context.Certificates.ServerValidator() },
        })
        { Timeout = TimeSpan.FromSeconds(2) };
        var proxies = stack.Topology.NodesOf(NodeKind.Proxy);
        _loop = Task.Run(() => LoopAsync(proxies, _stop.Token));
    }

    /// <summary>The clock the observations are on (started with the watch).</summary>
    public TimeSpan Now => _clock.Elapsed;

    public static VersionWatch Start(DrillStackFixture stack) => new(stack);

    /// <summary>What was seen between <paramref name="from"/> and <paramref name="to"/>: when, which version, which instance.</summary>
    public IReadOnlyList<(TimeSpan At, string Version, string Instance)> Between(TimeSpan from, TimeSpan to)
    {
        lock (_seen)
        {
            return [.. _seen.Where(s => s.At >= from && s.At <= to)];
        }
    }

    private async Task LoopAsync(IReadOnlyList<Node> proxies, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var proxy in proxies)
            {
                try
                {
                    using var status = await _client.GetFromJsonAsync<JsonDocument>(new Uri($"https://{proxy.Endpoint}/api/status"), stop);
                    var root = status!.RootElement;
                    lock (_seen)
                    {
                        _seen.Add((_clock.Elapsed, root.GetProperty("version").GetString()!, $"{root.GetProperty("region").GetString()}/{root.GetProperty("instance").GetString()}"));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    // The load's history counts failed requests; this only watches versions.
                }
            }

            try
            {
                await Task.Delay(Interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
