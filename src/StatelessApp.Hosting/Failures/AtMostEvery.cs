namespace StatelessApp.Hosting.Failures;

/// <summary>
/// Lets something happen at most once per interval, from any thread: for the log line every request of an outage
/// would otherwise repeat (the first one passes, the next after the interval).
/// </summary>
public sealed class AtMostEvery(TimeSpan interval, TimeProvider time)
{
    private long _last;

    /// <summary>True for the first caller and then for the first caller after each interval.</summary>
    public bool Now()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _last);
        return (last == 0 || time.GetElapsedTime(last, now) >= interval)
            && Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}
