namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// The window <paramref name="Now"/> falls in, counted from the Unix epoch: every instance whose clock agrees (NTP)
/// counts in the same window, so the counter's key names the window rather than the counter expiring on its own.
/// </summary>
internal readonly record struct FixedWindow(TimeSpan Length, DateTimeOffset Now)
{
    public long Index => Now.ToUnixTimeMilliseconds() / (long)Length.TotalMilliseconds;

    public DateTimeOffset End => DateTimeOffset.FromUnixTimeMilliseconds((Index + 1) * (long)Length.TotalMilliseconds);

    /// <summary>Whole seconds until the window ends, at least 1 (the <c>Retry-After</c> value).</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling((End - Now).TotalSeconds));

    /// <summary>How long the counter must live in Redis: to the window's end, plus a second for clocks a little apart.</summary>
    public TimeSpan CounterLifetime => End - Now + TimeSpan.FromSeconds(1);
}
