using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.RequestRates;

/// <summary>
/// The request and error rates of every region, summed over the last <see cref="RequestRateOptions.WindowBuckets"/>
/// complete buckets that every instance's <see cref="RequestRateFlusher"/> adds to (the current bucket is still being
/// written, so it is left out): one pipelined HGETALL per bucket. Null while Redis does not answer: unknown, not zero.
/// </summary>
public sealed class RequestRateReader(IServiceProvider services, IOptions<RequestRateOptions> options, TimeProvider time)
{
    /// <summary>The rates per region, ordered by region; null when Redis did not answer within the timeout or failed.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<IReadOnlyList<RegionRequestRate>?> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return null;
        }

        var current = settings.BucketOf(time.GetUtcNow());
        using var budget = new LinkedTimeout(settings.Timeout, time, cancellationToken);
        HashEntry[][] buckets;
        try
        {
            var batch = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().CreateBatch();
            var reads = Enumerable.Range(1, settings.WindowBuckets).Select(back => batch.HashGetAllAsync(settings.KeyOf(current - back))).ToArray();
            batch.Execute();
            buckets = await budget.WaitAsync(Task.WhenAll(reads));
        }
        catch (OperationCanceledException) when (budget.TimedOut)
        {
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }

        var seconds = settings.Window.TotalSeconds;
        return [.. buckets.SelectMany(entries => entries)
            .Select(entry => (Field: entry.Name.ToString(), Value: (long)entry.Value))
            .Where(entry => entry.Field.Contains(':', StringComparison.Ordinal))
            .GroupBy(entry => entry.Field[..entry.Field.LastIndexOf(':')], StringComparer.Ordinal)
            .OrderBy(region => region.Key, StringComparer.Ordinal)
            .Select(region =>
            {
                double PerSecond(string count) => region.Where(e => e.Field.EndsWith(":" + count, StringComparison.Ordinal)).Sum(e => e.Value) / seconds;
                return new RegionRequestRate(region.Key,
                    PerSecond(RequestRateFlusher.Requests), PerSecond(RequestRateFlusher.ClientErrors), PerSecond(RequestRateFlusher.ServerErrors));
            })];
    }
}
