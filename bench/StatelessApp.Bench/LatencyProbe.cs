using System.Diagnostics;

namespace StatelessApp.Bench;

/// <summary>
/// A closed-loop client for latency, not throughput: a fixed number of requests, a few at a time (each worker sends its
/// next one when its last is answered), each timed from send to the end of its body, and the instance that served it checked.
/// </summary>
public static class LatencyProbe
{
    /// <summary>Sends <paramref name="count"/> requests made by <paramref name="request"/> (index 0..count-1), <paramref name="concurrency"/> at a time.</summary>
    public static async Task<LatencyRun> RunAsync(HttpClient http, Func<int, HttpRequestMessage> request, int count, int concurrency,
        string expectedServedBy, CancellationToken cancellationToken)
    {
        var latencies = new double[count];
        var failed = new bool[count];
        var elsewhere = new bool[count];
        // Worker w sends requests w, w + concurrency, ...: a shopper given to one index is never in flight twice.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (var index = worker; index < count; index += concurrency)
            {
                using var message = request(index);
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    latencies[index] = watch.Elapsed.TotalMilliseconds;
                    failed[index] = !response.IsSuccessStatusCode;
                    elsewhere[index] = !(response.Headers.TryGetValues("X-Served-By", out var values) && values.FirstOrDefault() == expectedServedBy);
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // No answer (refused, reset, or the client's timeout): an error, timed as long as it took.
                    latencies[index] = watch.Elapsed.TotalMilliseconds;
                    failed[index] = true;
                }
            }
        }));
        return new LatencyRun(latencies, failed.Count(f => f), elsewhere.Count(e => e));
    }
}
