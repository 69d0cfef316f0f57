namespace StatelessApp.Hosting.RequestRates;

/// <summary>
/// Section "RequestRates": how each instance's request counts reach the shared Redis (<see cref="RequestRateFlusher"/>)
/// and how the status page turns them into rates per region (<see cref="RequestRateReader"/>).
/// </summary>
public sealed class RequestRateOptions
{
    public const string SectionName = "RequestRates";

    /// <summary>Off with <c>Telemetry:Enabled=false</c> too: nothing counted, nothing written, the rates are unknown.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an instance writes its counts (one pipelined write); also the length of one time bucket. Whole seconds.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The rates are averaged over the last complete buckets of this length. A whole number of <see cref="FlushInterval"/>s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One Redis hash per bucket under this prefix (the app's Redis user may only write <c>StatelessApp:*</c>).</summary>
    public string KeyPrefix { get; set; } = "StatelessApp:RequestRates:";

    /// <summary>How long a flush or a read may wait for Redis before it gives up (the counts are dropped, the rates unknown).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Buckets in <see cref="Window"/>.</summary>
    public int WindowBuckets => (int)(Window.Ticks / FlushInterval.Ticks);

    /// <summary>The bucket a moment falls in: seconds since the Unix epoch over the flush interval, the same on every instance.</summary>
    public long BucketOf(DateTimeOffset moment) => moment.ToUnixTimeSeconds() / (long)FlushInterval.TotalSeconds;

    public string KeyOf(long bucket) => KeyPrefix + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A bucket lives past the window by a few buckets: readers never find it gone, Redis never keeps it long.</summary>
    public TimeSpan BucketLifetime => Window + FlushInterval * 5;
}
