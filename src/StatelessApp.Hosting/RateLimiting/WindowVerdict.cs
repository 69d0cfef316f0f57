namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// What counting one hit against some limits found: all within (<see cref="Passed"/>), the first one over
/// (<see cref="Exceeded"/>: its name and the seconds until its window ends), or no answer from Redis in time
/// (<see cref="Unavailable"/>: why; the caller decides whether to fail open or closed).
/// </summary>
internal readonly record struct WindowVerdict(string? Exceeded, int RetryAfterSeconds, string? Unavailable)
{
    public bool Passed => Exceeded is null && Unavailable is null;

    public static WindowVerdict Within => default;

    public static WindowVerdict Over(string limit, int retryAfterSeconds) => new(limit, retryAfterSeconds, null);

    public static WindowVerdict NoAnswer(string reason) => new(null, 0, reason);
}
