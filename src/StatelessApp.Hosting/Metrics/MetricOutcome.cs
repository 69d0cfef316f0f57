using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Metrics;

/// <summary>
/// The <c>outcome</c> tag every building block's duration carries, so a dashboard tells a slow server (timeout) from a
/// failing one (error) and from callers that gave up (cancelled: the client went away, not the server's fault).
/// </summary>
public static class MetricOutcome
{
    public const string Tag = "outcome";

    public const string Ok = "ok";
    public const string Timeout = "timeout";
    public const string Error = "error";
    public const string Cancelled = "cancelled";

    /// <summary>
    /// What a failure means: the caller's own cancellation (a bare <see cref="OperationCanceledException"/>) is
    /// <see cref="Cancelled"/>; a block's timeout, which the blocks wrap in their own exception around the cancellation
    /// or report as a <see cref="TimeoutException"/>, is <see cref="Timeout"/>; anything else is <see cref="Error"/>.
    /// </summary>
    public static string Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException)
        {
            return Cancelled;
        }

        return ExceptionChain.Any(exception, e => e is TimeoutException or OperationCanceledException) ? Timeout : Error;
    }
}
