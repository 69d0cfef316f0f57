namespace StatelessApp.Hosting.RateLimiting;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests (or orders...) per <see cref="Window"/>.</summary>
public sealed class RateLimitPolicy
{
    /// <summary>A counter lives one window: a longer one is a ban, not a rate.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>Allowed in one window; the next ones are answered 429 until the window ends.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window's length, whole seconds (Retry-After and Redis expiries count in seconds).</summary>
    public TimeSpan Window { get; set; }

    /// <summary>Adds what is wrong with <paramref name="policy"/> (bound from <paramref name="setting"/>) to <paramref name="failures"/>.</summary>
    public static void Validate(string setting, RateLimitPolicy? policy, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (policy is null)
        {
            failures.Add($"{setting} is required (PermitLimit and Window).");
            return;
        }

        if (policy.PermitLimit < 1)
        {
            failures.Add($"{setting}:PermitLimit must be at least 1 (was {policy.PermitLimit}).");
        }

        if (policy.Window < TimeSpan.FromSeconds(1) || policy.Window > MaxWindow || policy.Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{setting}:Window must be whole seconds between 00:00:01 and 1.00:00:00 (was {policy.Window}).");
        }
    }
}
