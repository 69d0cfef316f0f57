using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StatelessApp.TestKit.Shop;

/// <summary>
/// A fixed number of catalogue requests through one proxy, a few at a time, with an app instance killed a quarter of
/// the way in (by the caller: a local process or a container): what failed and which instance answered how often.
/// </summary>
public static class InstanceLossLoad
{
    public static async Task<InstanceLossResult> RunAsync(HttpClient client, int requests, int concurrency, Func<Task> killOne)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(killOne);
        var failures = new ConcurrentBag<string>();
        var servedBy = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        var next = -1;
        var killed = false;
        var killedAt = 0L;

        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync("api/products");
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add($"{When(started)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (response.Headers.TryGetValues("X-Served-By", out var served))
                    {
                        servedBy.AddOrUpdate(served.Single(), 1, (_, n) => n + 1);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Add($"{When(started)}: {e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
                }

                if (Interlocked.Increment(ref done) == requests / 4)
                {
                    Interlocked.Exchange(ref killedAt, Stopwatch.GetTimestamp());
                    await killOne();
                    killed = true;
                }
            }
        }

        // When a failed request started, against the kill: the story of a failure (before it: not the kill's doing).
        string When(long started)
        {
            var at = Interlocked.Read(ref killedAt);
            if (at == 0)
            {
                return "started before the kill";
            }

            var offset = Stopwatch.GetElapsedTime(at, started).TotalSeconds;
            return string.Create(CultureInfo.InvariantCulture, $"started {Math.Abs(offset):0.00} s {(offset < 0 ? "before" : "after")} the kill");
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        return new InstanceLossResult([.. failures], servedBy.ToDictionary(StringComparer.Ordinal), done, killed);
    }
}

/// <summary>What <see cref="InstanceLossLoad"/> saw: failures, answers per instance ("region/app-N"), requests done.</summary>
public sealed record InstanceLossResult(IReadOnlyList<string> Failures, IReadOnlyDictionary<string, int> ServedBy, int Done, bool Killed)
{
    /// <summary>The failures in one line (CI shows an assertion's first line only): how many, and the first few.</summary>
    public string FailureSummary => $"{Failures.Count} of {Done} requests failed: {string.Join(" | ", Failures.Take(5))}";
}
