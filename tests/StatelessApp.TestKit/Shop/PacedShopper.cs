using System.Diagnostics;
using System.Net.Http.Json;

namespace StatelessApp.TestKit.Shop;

/// <summary>
/// A shopper browsing and filling a cart at a person's pace (catalogue, add to cart, cart; then a pause) until stopped:
/// every request timed and its failure (not 2xx, or no answer) kept.
/// </summary>
public static class PacedShopper
{
    public static async Task<ShopperLoad> RunAsync(HttpClient client, string name, TimeSpan pause, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        var samples = new List<ShopperSample>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.GetAsync("api/products", CancellationToken.None),
                () => client.PostAsJsonAsync("api/cart/items", new { productId = 2, quantity = 1 }, CancellationToken.None),
                () => client.GetAsync("api/cart", CancellationToken.None),
            })
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await request();
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    samples.Add(new ShopperSample(started, elapsed, response.IsSuccessStatusCode ? null
                        : $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}"));
                }
                catch (HttpRequestException e)
                {
                    samples.Add(new ShopperSample(started, double.NaN, $"{name}: {e.Message}"));
                }
                catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
                {
                    samples.Add(new ShopperSample(started, double.NaN, $"{name}: no answer within {client.Timeout.TotalSeconds:0} s"));
                }
            }

            try
            {
                await Task.Delay(pause, stop); // a person, not a loop: under the limits per address and per shopper
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return new ShopperLoad(samples);
    }
}

/// <summary>
/// One request of a <see cref="PacedShopper"/>: when it started (<see cref="Stopwatch.GetTimestamp"/>), how long its answer
/// took (NaN when none came), and its failure, if any.
/// </summary>
public sealed record ShopperSample(long StartedAt, double Milliseconds, string? Failure);

/// <summary>Everything one <see cref="PacedShopper"/> did.</summary>
public sealed record ShopperLoad(IReadOnlyList<ShopperSample> Samples)
{
    public int Requests => Samples.Count;

    public IReadOnlyList<string> Failures => [.. Samples.Where(s => s.Failure is not null).Select(s => s.Failure!)];

    /// <summary>The times of the requests that were answered (failed or not).</summary>
    public IReadOnlyList<double> LatenciesMs => [.. Samples.Where(s => !double.IsNaN(s.Milliseconds)).Select(s => s.Milliseconds)];

    /// <summary>The requests that started in [<paramref name="from"/>, <paramref name="to"/>) (Stopwatch timestamps).</summary>
    public ShopperLoad Between(long from, long to) => new([.. Samples.Where(s => s.StartedAt >= from && s.StartedAt < to)]);
}
