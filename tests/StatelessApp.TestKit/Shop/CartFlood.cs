using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StatelessApp.TestKit.Shop;

/// <summary>
/// One client flooding with cookie-less <c>POST /api/cart/items</c> (each a first visit, so each would create a session)
/// on several connections at once, as fast as the answers come, until <c>maxRequests</c> were sent or stopped.
/// </summary>
public static class CartFlood
{
    /// <summary>The label of a 429 that carries <c>Retry-After</c>, as the limits must answer.</summary>
    public const string Refused = "429 with Retry-After";

    public static async Task<CartFloodResult> RunAsync(HttpClient client, int connections, int maxRequests, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var refusedBy = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref sent) <= maxRequests)
            {
                string status;
                try
                {
                    using var response = await client.PostAsJsonAsync("api/cart/items", new { productId = 1, quantity = 1 }, stop);
                    status = response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is not null
                        ? Refused : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refusedBy.AddOrUpdate(await LimitOfAsync(response, stop), 1, (_, n) => n + 1);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException e)
                {
                    status = e.HttpRequestError.ToString();
                }

                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }, CancellationToken.None)));
        return new CartFloodResult(statuses, refusedBy);
    }

    /// <summary>The refusing limit, from the problem body's <c>limit</c> extension ("edge" at the proxies, the policy in the app).</summary>
    private static async Task<string> LimitOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return body.RootElement.TryGetProperty("limit", out var limit) && limit.ValueKind == JsonValueKind.String ? limit.GetString()! : "unnamed";
        }
        catch (JsonException)
        {
            return "not a problem body";
        }
    }
}

/// <summary>A flood's answers: each status (429s with <c>Retry-After</c> as <see cref="CartFlood.Refused"/>), and the 429s by the limit that refused.</summary>
public sealed record CartFloodResult(IReadOnlyDictionary<string, int> Statuses, IReadOnlyDictionary<string, int> RefusedBy)
{
    public int Total => Statuses.Values.Sum();
}
