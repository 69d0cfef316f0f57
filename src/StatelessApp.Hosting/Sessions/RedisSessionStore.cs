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
/// (which also slides the expiry), one SET ... EX or DEL to save, pipelined with WAIT when replicas must confirm
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
    public RedisSessionOptions Options => options.Value;

    public ILogger Logger => logger;

    public SessionCookieProtector CookieProtector => cookieProtector;

    public RedisSession Create(HttpContext context) =>
        new(this, context, context.Request.Cookies[options.Value.CookieName]);

    /// <exception cref="SessionUnavailableException">Redis failed or did not answer within <see cref="RedisSessionOptions.IOTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<byte[]?> LoadAsync(string sessionId, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var budget = new LinkedTimeout(options.Value.IOTimeout, time, cancellationToken);
        try
        {
            var data = await budget.WaitAsync(Database().StringGetSetExpiryAsync(Key(sessionId), options.Value.IdleTimeout));
            Record("load", MetricOutcome.Ok, started);
            return data;
        }
        catch (OperationCanceledException ex) when (budget.TimedOut)
        {
            Record("load", MetricOutcome.Timeout, started);
            throw TimedOut("load", budget.Timeout, ex);
        }
        catch (OperationCanceledException)
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

    public byte[]? Load(string sessionId)
    {
        var started = time.GetTimestamp();
        try
        {
            var data = Database().StringGetSetExpiry(Key(sessionId), options.Value.IdleTimeout);
            Record("load", MetricOutcome.Ok, started);
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
