using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Metrics;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Creates the per-request <see cref="RedisSession"/> and performs its Redis round trips: one GETEX to read
/// (which also slides the expiry) or, when the cookie's version proves the instance's own region's node current, one
/// GET + PTTL there (see <see cref="LoadAsync"/>), one SET ... EX or DEL to save, pipelined with WAIT when replicas must confirm
/// (<see cref="RedisSessionOptions.RequiredReplicas"/>). Redis failures, and changes no replica confirmed in time,
/// become <see cref="SessionUnavailableException"/>, and so does an operation that takes longer than
/// <see cref="RedisSessionOptions.IOTimeout"/>; the caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class RedisSessionStore(
    IServiceProvider services,
    IOptions<RedisSessionOptions> options,
    SessionCookieProtector cookieProtector,
    TimeProvider time,
    SessionMetrics metrics,
    RedisMetrics redisMetrics,
    ILogger<RedisSessionStore> logger,
    ISessionOwner? owner = null)
{
    // A refresh fails for every local load while the primary is away: once per interval is enough to see it in the logs.
    private readonly AtMostEvery _refreshFailureLog = new(TimeSpan.FromSeconds(10), time);

    public RedisSessionOptions Options => options.Value;

    public ILogger Logger => logger;

    public SessionCookieProtector CookieProtector => cookieProtector;

    public RedisSession Create(HttpContext context) =>
        new(this, context, context.Request.Cookies[options.Value.CookieName]);

    /// <summary>
    /// The stored session. With a <paramref name="cookieVersion"/> and a node in this region (<see cref="RedisConnections.LocalReads"/>),
    /// first from that node (GET and PTTL in one round trip), used when its copy is at least that version; otherwise, or
    /// when the local node fails or is slow, GETEX on the primary as before.
    /// </summary>
    /// <exception cref="SessionUnavailableException">Redis failed or did not answer within <see cref="RedisSessionOptions.IOTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<byte[]?> LoadAsync(string sessionId, long? cookieVersion, CancellationToken cancellationToken)
    {
        using var budget = new LinkedTimeout(options.Value.IOTimeout, time, cancellationToken);
        var started = time.GetTimestamp();
        var askedPrimary = false;
        try
        {
            var miss = LocalMiss.NoVersion;
            if (cookieVersion is { } version)
            {
                (var local, miss) = await TryLoadLocallyAsync(sessionId, version, budget, cancellationToken);
                if (local is not null)
                {
                    metrics.RecordLocalLoad();
                    return local;
                }
            }

            started = time.GetTimestamp();
            askedPrimary = true;
            var data = await budget.WaitAsync(Database().StringGetSetExpiryAsync(Key(sessionId), options.Value.IdleTimeout));
            Record("load", MetricOutcome.Ok, started);
            metrics.RecordPrimaryLoad(miss);
            return data;
        }
        catch (OperationCanceledException ex) when (budget.TimedOut)
        {
            // Also when the whole budget ran out during the local attempt: the load as a whole timed out.
            Record("load", MetricOutcome.Timeout, started);
            throw TimedOut("load", budget.Timeout, ex);
        }
        catch (OperationCanceledException) when (askedPrimary)
        {
            Record("load", MetricOutcome.Cancelled, started);
            throw;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            Record("load", MetricOutcome.Of(ex), started);
            throw Unavailable("load", ex);
        }
    }

    /// <summary>
    /// The local node's copy when it covers <paramref name="cookieVersion"/> (<see cref="SessionVersion.Covers"/>), else null
    /// and why not. Never throws for the node's sake: any failure of it is a reason to ask the primary.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled, or the whole load's budget ran out.</exception>
    private async Task<(byte[]? Data, string Miss)> TryLoadLocallyAsync(string sessionId, long cookieVersion, LinkedTimeout budget,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var attempt = new LinkedTimeout(options.Value.LocalReadTimeout, time, budget.Token);
        try
        {
            // Resolved per call, as the primary's: creating it may throw while its node is down.
            if (services.GetKeyedService<IConnectionMultiplexer>(RedisConnections.LocalReads) is not { } connection)
            {
                return (null, LocalMiss.NoLocalNode);
            }

            var database = connection.GetDatabase();
            var key = Key(sessionId);
            // Sent back to back: one round trip to the local node. GET, not GETEX: a replica refuses writes.
            var reading = database.StringGetAsync(key);
            var remaining = database.KeyTimeToLiveAsync(key);
            await attempt.WaitAsync(Task.WhenAll(reading, remaining));
            Record("local_load", MetricOutcome.Ok, started);

            byte[]? data = await reading;
            if (data is null)
            {
                return (null, LocalMiss.Missing);
            }

            long? stored;
            try
            {
                SessionSerializer.Deserialize(data, out _, out var fields);
                stored = SessionVersion.Read(fields);
            }
            catch (FormatException)
            {
                return (null, LocalMiss.Unreadable);
            }

            if (!SessionVersion.Covers(stored, cookieVersion))
            {
                return (null, LocalMiss.Behind);
            }

            SlideExpiryIfDue(key, await remaining);
            return (data, LocalMiss.NoVersion);
        }
        catch (OperationCanceledException) when (attempt.TimedOut && !budget.Token.IsCancellationRequested)
        {
            Record("local_load", MetricOutcome.Timeout, started);
            return (null, LocalMiss.Timeout);
        }
        catch (OperationCanceledException)
        {
            // The caller cancelled (or the whole budget ran out): not the local node's fault, and no reason to go on.
            Record("local_load", cancellationToken.IsCancellationRequested ? MetricOutcome.Cancelled : MetricOutcome.Timeout, started);
            throw;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            // MASTERDOWN (a replica cut off from its primary, replica-serve-stale-data no), a closed connection, an error.
            Record("local_load", MetricOutcome.Of(ex), started);
            return (null, LocalMiss.Failed);
        }
    }

    /// <summary>
    /// GETEX slid the idle expiry on every load; a local GET cannot (replicas take no writes), so the primary is asked to
    /// slide it, unawaited, once less than <see cref="ExpiryRefreshBelow"/> is left: at most once per half idle timeout
    /// per session while it is used, as cookie sliding expiration renews only past half. A refresh that fails or is lost
    /// only lets the session expire earlier than a full idle timeout after its last use (never later), and the next load
    /// past half time asks again.
    /// </summary>
    private void SlideExpiryIfDue(RedisKey key, TimeSpan? remaining)
    {
        // No TTL (null) is a key without expiry or one gone since the GET: nothing to slide.
        if (remaining is not { } left || left >= ExpiryRefreshBelow)
        {
            return;
        }

        _ = SlideExpiryAsync(key);
    }

    /// <summary>What is left of a session's idle expiry below which a local load asks the primary to slide it: half the idle timeout.</summary>
    internal TimeSpan ExpiryRefreshBelow => options.Value.IdleTimeout / 2;

    private async Task SlideExpiryAsync(RedisKey key)
    {
        try
        {
            // EXPIRE only touches a key that exists: a session deleted on the primary meanwhile is not brought back.
            await Database().KeyExpireAsync(key, options.Value.IdleTimeout);
            metrics.RecordExpiryRefresh(MetricOutcome.Ok);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            metrics.RecordExpiryRefresh(MetricOutcome.Of(ex));
            if (_refreshFailureLog.Now())
            {
                SessionLog.ExpiryRefreshFailed(logger, ex.Message);
            }
        }
    }

    /// <summary>The synchronous load (code that did not await LoadAsync first): GETEX on the primary, as before.</summary>
    public byte[]? Load(string sessionId)
    {
        var started = time.GetTimestamp();
        try
        {
            var data = Database().StringGetSetExpiry(Key(sessionId), options.Value.IdleTimeout);
            Record("load", MetricOutcome.Ok, started);
            metrics.RecordPrimaryLoad(LocalMiss.Synchronous);
            return data;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            Record("load", MetricOutcome.Of(ex), started);
            throw Unavailable("load", ex);
        }
    }

    /// <inheritdoc cref="LoadAsync"/>
    public Task SaveAsync(string sessionId, byte[] data, CancellationToken cancellationToken) =>
        WriteAsync("save", database => database.StringSetAsync(Key(sessionId), data, options.Value.IdleTimeout, When.Always, CommandFlags.None), cancellationToken);

    /// <inheritdoc cref="LoadAsync"/>
    public Task DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        WriteAsync("delete", database => database.KeyDeleteAsync(Key(sessionId)), cancellationToken);

    /// <summary>A regenerated id: the old key deleted and the new one saved in one transaction (MULTI/EXEC), never one without the other.</summary>
    /// <inheritdoc cref="LoadAsync"/>
    public Task ReplaceAsync(string oldSessionId, string newSessionId, byte[] data, CancellationToken cancellationToken) =>
        WriteAsync("regenerate", async database =>
        {
            var transaction = database.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(Key(oldSessionId));
            var saved = transaction.StringSetAsync(Key(newSessionId), data, options.Value.IdleTimeout, When.Always, CommandFlags.None);
            await transaction.ExecuteAsync();
            await Task.WhenAll(deleted, saved);
            return true;
        }, cancellationToken);

    /// <summary>The request's session owner (<see cref="ISessionOwner"/>), or null when the app binds sessions to no one.</summary>
    public string? OwnerOf(HttpContext context) => owner?.OwnerOf(context);

    private async Task WriteAsync<T>(string operation, Func<IDatabase, Task<T>> write, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var budget = new LinkedTimeout(options.Value.IOTimeout, time, cancellationToken);
        try
        {
            var database = WriteDatabase();
            // The write and its WAIT leave back to back on the one connection: an instance far from the primary pays one
            // round trip for both, and WAIT still covers the write, which the connection sent first.
            var writing = write(database);
            var confirming = ConfirmOnReplicasAsync(database, "session " + operation, budget.Token);
            await budget.WaitAsync(Task.WhenAll(writing, confirming));
            Record(operation, MetricOutcome.Ok, started);
        }
        catch (OperationCanceledException ex) when (budget.TimedOut)
        {
            Record(operation, MetricOutcome.Timeout, started);
            throw TimedOut(operation, budget.Timeout, ex);
        }
        catch (OperationCanceledException)
        {
            Record(operation, MetricOutcome.Cancelled, started);
            throw;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            Record(operation, MetricOutcome.Of(ex), started);
            throw Unavailable(operation, ex);
        }
    }

    // Secure whatever the request's scheme: a __Host- cookie (the validator insists on the prefix).
    public void AppendCookie(HttpContext context, string protectedSessionId) =>
        context.Response.Cookies.Append(options.Value.CookieName, protectedSessionId, HostCookie.Options());

    public void DeleteCookie(HttpContext context) =>
        context.Response.Cookies.Delete(options.Value.CookieName, HostCookie.Options());

    private RedisKey Key(string sessionId) => options.Value.KeyPrefix + sessionId;

    // Resolved per call rather than injected: with Sentinel, creating the multiplexer can throw while no
    // Sentinel answers, and that must become a 503 for this request, not a failure to build the pipeline.
    private IDatabase Database() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    // WAIT must follow the write on the same connection, and must not stall the shared one (see RedisConnections).
    private IDatabase WriteDatabase() => options.Value.RequiredReplicas == 0
        ? Database()
        : services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites).GetDatabase();

    private Task ConfirmOnReplicasAsync(IDatabase database, string what, CancellationToken cancellationToken) =>
        ReplicaAcknowledgement.EnsureAsync(database, options.Value.RequiredReplicas, options.Value.ReplicaAckTimeout, what, redisMetrics, cancellationToken);

    private void Record(string operation, string outcome, long started) => metrics.Record(operation, outcome, time.GetElapsedTime(started));

    // RedisServerException covers READONLY (a demoted primary) and LOADING (a restarting one); TimeoutException
    // covers ReplicaAcknowledgementException (no replica confirmed the change in time).
    private static bool IsStoreFailure(Exception ex) => ex is RedisException or TimeoutException;

    private SessionUnavailableException Unavailable(string operation, Exception ex)
    {
        SessionLog.StoreUnavailable(logger, operation, ex.Message);
        return new SessionUnavailableException($"The session store is unavailable ({operation} failed).", ex);
    }

    private SessionUnavailableException TimedOut(string operation, TimeSpan timeout, OperationCanceledException ex)
    {
        SessionLog.StoreTimedOut(logger, operation, timeout);
        return new SessionUnavailableException($"The session store did not answer the {operation} within {timeout}.", ex);
    }
}
