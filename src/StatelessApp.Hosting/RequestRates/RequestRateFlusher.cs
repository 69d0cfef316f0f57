using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.Hosting.RequestRates;

/// <summary>
/// Once per <see cref="RequestRateOptions.FlushInterval"/>, adds this instance's counts (<see cref="RequestTally"/>) to
/// the current bucket's hash in Redis under the instance's region: HINCRBY per count and an EXPIRE, sent as one pipelined
/// batch, never a Redis command per request. Every instance of every region adds to the same bucket, so a reader sees
/// the whole site. While Redis does not answer the counts are dropped (a warning at most every 10 s): the rates of
/// that time are unknown, not moved to a later bucket where they would read as a burst.
/// </summary>
internal sealed partial class RequestRateFlusher(
    RequestTally tally,
    IServiceProvider services,
    IOptions<RequestRateOptions> options,
    IOptions<InstanceOptions> instance,
    TimeProvider time,
    ILogger<RequestRateFlusher> logger) : BackgroundService
{
    public const string Requests = "requests";
    public const string ClientErrors = "4xx";
    public const string ServerErrors = "5xx";

    private readonly AtMostEvery _failureLog = new(TimeSpan.FromSeconds(10), time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what was counted since the last flush is the only loss, one interval of one instance.
        }
    }

    /// <summary>Writes the counts since the last flush; false when Redis did not take them (they are dropped).</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var counts = tally.Take();
        if (counts.IsEmpty)
        {
            return true;
        }

        var settings = options.Value;
        var key = settings.KeyOf(settings.BucketOf(time.GetUtcNow()));
        var region = instance.Value.Region;
        using var budget = new LinkedTimeout(settings.Timeout, time, cancellationToken);
        try
        {
            var batch = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().CreateBatch();
            var writes = new List<Task>(4);
            void Add(string field, long value)
            {
                if (value != 0)
                {
                    writes.Add(batch.HashIncrementAsync(key, Field(region, field), value));
                }
            }

            Add(Requests, counts.Requests);
            Add(ClientErrors, counts.ClientErrors);
            Add(ServerErrors, counts.ServerErrors);
            writes.Add(batch.KeyExpireAsync(key, settings.BucketLifetime));
            batch.Execute();
            await budget.WaitAsync(Task.WhenAll(writes));
            return true;
        }
        catch (OperationCanceledException) when (budget.TimedOut)
        {
            Dropped(counts, $"no answer within {settings.Timeout.TotalMilliseconds:0} ms");
            return false;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Dropped(counts, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>The hash field of one count of one region: "a:requests", "b:5xx".</summary>
    public static string Field(string region, string count) => region + ":" + count;

    private void Dropped(RequestCounts counts, string reason)
    {
        if (_failureLog.Now())
        {
            LogDropped(counts.Requests, reason);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "Request counts not written to Redis ({Reason}): {Requests} requests dropped, the status page's rates are unknown meanwhile (logged at most every 10 s)")]
    private partial void LogDropped(long requests, string reason);
}
