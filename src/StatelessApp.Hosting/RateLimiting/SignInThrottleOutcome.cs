namespace StatelessApp.Hosting.RateLimiting;

/// <summary>What the sign-in throttle decided for one attempt.</summary>
public enum SignInThrottleOutcome
{
    /// <summary>Within both limits: check the password.</summary>
    Allowed,

    /// <summary>
    /// The account name is over <see cref="RateLimitOptions.SignInPerAccount"/>: answer exactly as a wrong password
    /// (same text, status and time), since the name's counter exists whether or not the account does.
    /// </summary>
    AccountPaused,

    /// <summary>The client address is over <see cref="RateLimitOptions.SignInPerClient"/>: 429 with Retry-After.</summary>
    ClientPaused,

    /// <summary>Redis did not answer in time: the throttle cannot count, so the attempt is refused (fail closed, 503).</summary>
    Unavailable,
}
