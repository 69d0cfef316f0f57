namespace StatelessApp.Hosting.RateLimiting;

/// <summary>The throttle's decision, and for a paused one the whole seconds until its window ends.</summary>
public readonly record struct SignInThrottleVerdict(SignInThrottleOutcome Outcome, int RetryAfterSeconds)
{
    public static SignInThrottleVerdict Allowed => new(SignInThrottleOutcome.Allowed, 0);

    public bool IsAllowed => Outcome == SignInThrottleOutcome.Allowed;
}
