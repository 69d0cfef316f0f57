using System.Buffers.Binary;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StatelessApp.Hosting.Data;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// The request's side of read-your-writes (scoped): the position its reads must see (from the <c>X-Consistency-Token</c>
/// header and the session, read lazily, once), the position its own writes reached (sent back in the header and stored in
/// the session), and the overrides.
/// </summary>
public sealed partial class ConsistencyScope(
    IHttpContextAccessor httpContextAccessor,
    ConsistencyTokenProtector protector,
    ConsistencyMetrics metrics,
    IOptions<ConsistencyOptions> options,
    TimeProvider time,
    ILogger<ConsistencyScope> logger)
{
    public const string HeaderName = "X-Consistency-Token";

    /// <summary>Session key of the browser's position (8 bytes, big-endian). The session is server-side: not signed.</summary>
    public const string SessionKey = "StatelessApp.Consistency.Position";

    /// <summary>Stands for "a token we cannot read right now" (session store down): no standby can satisfy it.</summary>
    private static readonly NpgsqlLogSequenceNumber Unknowable = new(ulong.MaxValue);

    /// <summary>When this request's scope began: after any token it carries was minted.</summary>
    internal DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    private bool _requiredKnown;
    private NpgsqlLogSequenceNumber? _required;
    private bool _forcePrimary;
    private bool _allowStale;

    /// <summary>Set by the write recorder between SavingChanges and SavedChanges: a transaction already recorded the write.</summary>
    internal bool WriteCommittedInTransaction { get; set; }

    /// <summary>The highest WAL position a write of this request reached, once one committed.</summary>
    public NpgsqlLogSequenceNumber? LastWrite { get; private set; }

    private HttpContext? Http => httpContextAccessor.HttpContext;

    /// <summary>True when the code or the endpoint (<see cref="ReadFromPrimaryAttribute"/>) sends every read to the primary.</summary>
    public bool IsPrimaryForced =>
        _forcePrimary || Http?.GetEndpoint()?.Metadata.GetMetadata<ReadFromPrimaryAttribute>() is not null;

    /// <summary>True when the code or the endpoint (<see cref="AllowStaleReadsAttribute"/>) opted out of the guarantee.</summary>
    public bool AllowsStaleReads =>
        _allowStale || Http?.GetEndpoint()?.Metadata.GetMetadata<AllowStaleReadsAttribute>() is not null;

    /// <summary>From now on, this request's reads go to the primary.</summary>
    public void ReadFromPrimary() => _forcePrimary = true;

    /// <summary>From now on, this request's reads ignore its token (a standby even if it is behind).</summary>
    public void AllowStaleReads() => _allowStale = true;

    /// <summary>The position this request's reads must see, or null (no token: any usable standby will do).</summary>
    internal async ValueTask<NpgsqlLogSequenceNumber?> RequiredPositionAsync(CancellationToken cancellationToken)
    {
        if (!_requiredKnown)
        {
            var fromHeader = FromHeader();
            var fromSession = await FromSessionAsync(cancellationToken);
            SetRequired(Max(fromHeader, fromSession));
        }

        return Max(_required, LastWrite);
    }

    /// <summary>Synchronous variant for synchronous EF calls (the session, if not loaded yet, loads synchronously).</summary>
    internal NpgsqlLogSequenceNumber? RequiredPosition()
    {
        if (!_requiredKnown)
        {
            SetRequired(Max(FromHeader(), FromSession(loadAsync: null)));
        }

        return Max(_required, LastWrite);
    }

    /// <summary>
    /// For writes that bypass EF (raw Npgsql on the primary): call right after COMMIT, on the same connection, so the
    /// client gets a token covering it. EF writes through the primary context are recorded automatically.
    /// </summary>
    public async Task RecordCommittedWriteAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(CommitPosition.Sql, connection);
        var position = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (TellClient(position) is { } session)
        {
            await session.LoadAsync(cancellationToken);
            StoreInSession(session, position);
        }
    }

    /// <summary>
    /// For a write whose commit position the caller already read in the commit's own round trip (a batch ending with
    /// <see cref="Data.CommitPosition"/>'s query): records it without asking the server again.
    /// </summary>
    public async Task RecordCommittedWriteAsync(NpgsqlLogSequenceNumber position, CancellationToken cancellationToken)
    {
        if (TellClient(position) is { } session)
        {
            await session.LoadAsync(cancellationToken);
            StoreInSession(session, position);
        }
    }

    /// <summary>Synchronous variant of <see cref="RecordCommittedWriteAsync(NpgsqlConnection, CancellationToken)"/> (for synchronous EF calls).</summary>
    public void RecordCommittedWrite(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = new NpgsqlCommand(CommitPosition.Sql, connection);
        var position = (NpgsqlLogSequenceNumber)command.ExecuteScalar()!;
        if (TellClient(position) is { } session)
        {
            StoreInSession(session, position); // loads the session synchronously if it is not loaded yet
        }
    }

    /// <summary>
    /// A write committed at <paramref name="position"/>: later reads of this request must see it, and so must the
    /// client's next requests: the header now (API clients), and the returned session, which the caller stores into.
    /// </summary>
    private ISession? TellClient(NpgsqlLogSequenceNumber position)
    {
        if (LastWrite >= position)
        {
            return null;
        }

        LastWrite = position;
        var http = Http;
        if (http is null || http.Response.HasStarted)
        {
            return null; // outside a request, or too late to tell the client: the next read of this client may be stale
        }

        http.Response.Headers[HeaderName] = protector.Protect(position, UserId(http));
        return http.Features.Get<ISessionFeature>()?.Session;
    }

    private static void StoreInSession(ISession session, NpgsqlLogSequenceNumber position)
    {
        if (!session.TryGetValue(SessionKey, out var stored) || stored.Length != sizeof(ulong)
            || BinaryPrimitives.ReadUInt64BigEndian(stored) < (ulong)position)
        {
            var bytes = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)position);
            session.Set(SessionKey, bytes);
        }
    }

    private void SetRequired(NpgsqlLogSequenceNumber? required)
    {
        _required = required;
        _requiredKnown = true;
    }

    private NpgsqlLogSequenceNumber? FromHeader()
    {
        var http = Http;
        if (http is null || !http.Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count == 1 && protector.TryUnprotect(values[0], UserId(http), out var position))
        {
            return position;
        }

        // Ignored, not an error: the client reads as if it had sent no token. It cannot gain anything by forging one.
        metrics.RecordRefusedToken();
        LogTokenRefused(http.Request.Path);
        return null;
    }

    private async ValueTask<NpgsqlLogSequenceNumber?> FromSessionAsync(CancellationToken cancellationToken)
    {
        if (Http?.Features.Get<ISessionFeature>()?.Session is not { } session)
        {
            return null;
        }

        try
        {
            await session.LoadAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SessionUnreadable(e);
        }

        return FromSession(loadAsync: session);
    }

    private NpgsqlLogSequenceNumber? FromSession(ISession? loadAsync)
    {
        var session = loadAsync ?? Http?.Features.Get<ISessionFeature>()?.Session;
        if (session is null)
        {
            return null;
        }

        try
        {
            return session.TryGetValue(SessionKey, out var stored) && stored.Length == sizeof(ulong)
                ? new NpgsqlLogSequenceNumber(BinaryPrimitives.ReadUInt64BigEndian(stored))
                : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SessionUnreadable(e);
        }
    }

    // The token may be in there; without it we cannot promise a standby is current enough: the primary is.
    private NpgsqlLogSequenceNumber SessionUnreadable(Exception e)
    {
        LogSessionUnreadable(e.GetType().Name);
        return Unknowable;
    }

    private string UserId(HttpContext http) => http.User.FindFirst(options.Value.UserIdClaim)?.Value ?? "";

    private static NpgsqlLogSequenceNumber? Max(NpgsqlLogSequenceNumber? a, NpgsqlLogSequenceNumber? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Ignored a consistency token on {Path}: malformed, not ours, or another user's")]
    private partial void LogTokenRefused(PathString path);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Session unreadable ({Reason}): this request's reads go to the primary")]
    private partial void LogSessionUnreadable(string reason);
}
