using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using StatelessApp.Hosting.Failures;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// An account's security stamp from the database, for a request whose cookie Redis could not check (Redis down, or
/// the key lost with a Redis primary). Read on the PRIMARY, not a standby: the request's own consistency token cannot
/// cover a revocation made by another browser, so a standby could still show the old stamp; and the session (where the
/// browser's token lives) must not load before authentication has decided who owns it.
/// </summary>
public sealed partial class AccountStampFallback(TimeProvider time, ILogger<AccountStampFallback> logger)
{
    /// <summary>
    /// Only requests whose Redis check failed come here, and while Redis is down so is the session: a request waits at
    /// most this long for the database (instead of its whole retry budget) before the cookie is taken on its seal.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly AtMostEvery _unavailableLog = new(TimeSpan.FromSeconds(10), time);

    /// <summary>
    /// The account's current stamp; "" when the account no longer exists (no cookie matches it); null when the database
    /// cannot tell either (logged at most every 10 s): the cookie is then accepted on its DataProtection seal alone.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<string?> CurrentAsync(HttpContext context, string shopperId, CancellationToken cancellationToken)
    {
        if (!ShopAccount.TryParseShopperId(shopperId, out var accountId))
        {
            return "";
        }

        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var db = context.RequestServices.GetRequiredService<ShopDbContext>();
            var stamp = await db.Users.AsNoTracking()
                .Where(account => account.Id == accountId)
                .Select(account => account.SecurityStamp)
                .FirstOrDefaultAsync(linked.Token);
            return stamp ?? "";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable("Timeout", $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or RetryLimitExceededException && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(ex.GetType().Name, ex.Message);
        }
    }

    private string? Unavailable(string error, string reason)
    {
        if (_unavailableLog.Now())
        {
            LogUnavailable(error, reason);
        }

        return null;
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning,
        Message = "Neither Redis nor the database can tell accounts' current stamps ({Error}: {Reason}): account cookies are accepted on their seal alone until one answers (logged at most every 10 s)")]
    private partial void LogUnavailable(string error, string reason);
}
