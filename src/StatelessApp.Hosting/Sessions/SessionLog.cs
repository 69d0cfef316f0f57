using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.Sessions;

internal static partial class SessionLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Session cookie refused ({Refusal}); starting a new session")]
    public static partial void CookieRefused(ILogger logger, string refusal);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "Session not found in Redis (expired or evicted); starting a new session")]
    public static partial void SessionExpired(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Session data in Redis is unreadable ({Reason}); starting a new session")]
    public static partial void SessionUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Session store unavailable during {Operation}: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Answering {StatusCode} to {Method} {Path}: {Reason}")]
    public static partial void AnsweredWithProblem(ILogger logger, int statusCode, string method, string path, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error,
        Message = "Session error after the response started for {Method} {Path}; the response is aborted: {Reason}")]
    public static partial void FailedAfterResponseStarted(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Session store did not answer the {Operation} within {Timeout}")]
    public static partial void StoreTimedOut(ILogger logger, string operation, TimeSpan timeout);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information,
        Message = "Session refused: it belongs to another owner (a planted or copied session id); starting a new session")]
    public static partial void OwnerMismatch(ILogger logger);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug,
        Message = "Session id regenerated: the old id is deleted when the session is saved")]
    public static partial void Regenerated(ILogger logger);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning,
        Message = "Session idle expiry not slid on the Redis primary after a local load ({Reason}); such sessions may expire early (logged at most every 10 s)")]
    public static partial void ExpiryRefreshFailed(ILogger logger, string reason);
}
