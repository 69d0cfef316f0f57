using System.Diagnostics;
using System.Globalization;
using System.Net;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Shop;
using StatelessApp.TestKit.Statistics;

namespace StatelessApp.Bench;

/// <summary>
/// The flood configuration: the shipped app under its shipped limits, alone behind region A's proxy. A few other
/// shoppers (each from its own 127.124.1.x source address) browse and add to cart at a person's pace through the whole
/// run: after a warm-up, one phase unloaded, then one while a single client (127.124.2.1: not 127.0.0.1, which the edge
/// exempts) floods with cookie-less POST /api/cart/items on several connections as fast as the answers come, bounded
/// by a request count and the phase's time. Redis memory is sampled in both phases alike.
/// </summary>
public sealed class FloodBenchmark(BenchSettings settings, SystemUnderTest stack, ProgressReporter progress)
{
    private const int OtherShoppers = 8;
    private const int FloodRequestLimit = 1_000_000; // above what 2 cores answer in a phase (edge 429s are cheap): time ends it
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RedisSampling = TimeSpan.FromMilliseconds(500);

    private TimeSpan Phase => settings.Quick ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(20);

    public async Task<FloodMeasurement> RunAsync(CancellationToken cancellationToken)
    {
        var redis = await stack.PrimaryAsync(NodeKind.Redis, cancellationToken);
        var maxmemory = long.Parse((await MemoryAsync(redis, cancellationToken))["maxmemory"], CultureInfo.InvariantCulture);
        var validator = stack.Context.Certificates.ServerValidator();
        var clients = Enumerable.Range(1, OtherShoppers)
            .Select(i => (Name: $"127.124.1.{i}", Client: SourceBoundClient.Create(stack.Topology, "a", IPAddress.Parse($"127.124.1.{i}"), cookies: true, validator)))
            .ToList();
        using var floodClient = SourceBoundClient.Create(stack.Topology, "a", IPAddress.Parse("127.124.2.1"), cookies: false, validator);
        try
        {
            using var stopOthers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var peaks = new long[2];
            var samples = new int[2];
            var missed = new int[2];
            var phase = 0;
            var sampler = SampleRedisAsync(redis, peaks, samples, missed, () => Volatile.Read(ref phase), stopSampling.Token);
            var others = clients.Select(c => PacedShopper.RunAsync(c.Client, c.Name, Pause, stopOthers.Token)).ToList();

            progress.Line($"flood: {OtherShoppers} other shoppers (127.124.1.1-{OtherShoppers}), each: catalogue, add to cart, cart, then {Pause.TotalSeconds:0} s; warm-up {settings.Warmup.TotalSeconds:0} s");
            await Task.Delay(settings.Warmup, cancellationToken);
            var unloadedStart = Stopwatch.GetTimestamp();
            progress.Line($"flood: unloaded phase, {Phase.TotalSeconds:0} s");
            await Task.Delay(Phase, cancellationToken);

            var floodStart = Stopwatch.GetTimestamp();
            Volatile.Write(ref phase, 1);
            progress.Line($"flood: one client (127.124.2.1) floods with cookie-less POST /api/cart/items on {settings.Connections} connections, at most {FloodRequestLimit} requests or {Phase.TotalSeconds:0} s");
            using (var floodTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                floodTime.CancelAfter(Phase);
                var floodResult = await CartFlood.RunAsync(floodClient, settings.Connections, FloodRequestLimit, floodTime.Token);
                cancellationToken.ThrowIfCancellationRequested();
                var floodEnd = Stopwatch.GetTimestamp();
                await stopOthers.CancelAsync();
                var loads = await Task.WhenAll(others);
                await stopSampling.CancelAsync();
                await sampler;

                var unloaded = PhaseOf("unloaded", loads, unloadedStart, floodStart);
                var flooded = PhaseOf("flood", loads, floodStart, floodEnd);
                var measurement = new FloodMeasurement(OtherShoppers, Pause, unloaded, flooded, settings.Connections, FloodRequestLimit,
                    Stopwatch.GetElapsedTime(floodStart, floodEnd).TotalSeconds, floodResult.Statuses, floodResult.RefusedBy,
                    peaks[0], peaks[1], maxmemory, samples.Sum(), missed.Sum(),
                    [.. loads.Select(l => l.Between(unloadedStart, floodEnd)).SelectMany(l => l.Failures).Take(20)]);
                progress.Line(string.Create(CultureInfo.InvariantCulture,
                    $"flood: {measurement.FloodRequests} flood requests in {measurement.FloodSeconds:0.0} s; others' p99 {unloaded.P99Milliseconds:0.0} ms unloaded, {flooded.P99Milliseconds:0.0} ms flooded ({measurement.P99Ratio:0.00}x); failures {unloaded.Failures} + {flooded.Failures}"));
                return measurement;
            }
        }
        finally
        {
            foreach (var (_, client) in clients)
            {
                client.Dispose();
            }
        }
    }

    private static FloodPhase PhaseOf(string name, IEnumerable<ShopperLoad> loads, long from, long to)
    {
        var inPhase = loads.Select(l => l.Between(from, to)).ToList();
        var latencies = inPhase.SelectMany(l => l.LatenciesMs).ToList();
        return new FloodPhase(name, Stopwatch.GetElapsedTime(from, to).TotalSeconds, inPhase.Sum(l => l.Requests),
            Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.99), latencies.Count == 0 ? double.NaN : latencies.Max(),
            inPhase.Sum(l => l.Failures.Count));
    }

    /// <summary>
    /// used_memory of the Redis primary every half second, the peak kept per phase (both phases sampled alike). A
    /// sample redis-cli got no answer for within its second (a starved machine) is counted as missed, not fatal.
    /// </summary>
    private async Task SampleRedisAsync(Node redis, long[] peaks, int[] samples, int[] missed, Func<int> phase, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var info = await RedisCli.RunAsync(stack.Context, redis, ["INFO", "memory"], stop);
                var index = phase();
                samples[index]++;
                if (info is null)
                {
                    missed[index]++;
                }
                else
                {
                    peaks[index] = Math.Max(peaks[index], long.Parse(RedisCli.ParseInfo(info)["used_memory"], CultureInfo.InvariantCulture));
                }

                await Task.Delay(RedisSampling, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> MemoryAsync(Node redis, CancellationToken cancellationToken) =>
        RedisCli.ParseInfo(await RedisCli.RunAsync(stack.Context, redis, ["INFO", "memory"], cancellationToken)
            ?? throw new InvalidOperationException("the Redis primary did not answer INFO"));
}
