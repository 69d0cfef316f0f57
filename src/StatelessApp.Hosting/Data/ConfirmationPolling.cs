namespace StatelessApp.Hosting.Data;

/// <summary>
/// The pace at which a commit confirmation asks again: replication normally takes milliseconds, so the first asks come
/// quickly, and the interval then doubles up to a ceiling that keeps a slow standby from being asked hundreds of times.
/// </summary>
internal static class ConfirmationPolling
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(10);

    public static TimeSpan Next(TimeSpan delay) => delay * 2 < MaxDelay ? delay * 2 : MaxDelay;

    /// <summary>The delay, cut to what is left of the budget.</summary>
    public static TimeSpan Within(TimeSpan delay, TimeSpan left) => delay < left ? delay : left;
}
