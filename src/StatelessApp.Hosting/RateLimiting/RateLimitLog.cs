using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.RateLimiting;

internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Rate limit {Limit} reached by {Partition}: {PermitLimit} per {Window}; refusing the rest of this window ({RetryAfterSeconds} s)")]
    public static partial void LimitReached(ILogger logger, string limit, string partition, int permitLimit, TimeSpan window, int retryAfterSeconds);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "Rate limits not applied (failing open): Redis {Reason}; {Unchecked} requests passed unchecked since the last such line")]
    public static partial void FailingOpen(ILogger logger, string reason, long @unchecked);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Sign-in attempts refused (failing closed): Redis {Reason}, so the shared sign-in throttle cannot count; {Refused} attempts refused since the last such line")]
    public static partial void SignInFailingClosed(ILogger logger, string reason, long refused);
}
