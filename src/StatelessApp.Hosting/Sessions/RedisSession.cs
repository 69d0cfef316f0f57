using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The request's <see cref="ISession"/>. Nothing happens until the session is touched: reading it costs one
/// GETEX (which also slides the idle expiry), or one GET + PTTL on the instance's own region's node when the cookie's
/// version proves that node current; changing it adds one SET at commit. A new session that is never written costs
/// nothing and sets no cookie. A versioned session (<see cref="SessionVersion"/>) counts its saves, and with
/// <see cref="RedisSessionOptions.VersionedCookies"/> every save re-issues the cookie with the new version.
/// </summary>
/// <remarks>
/// The middleware commits before the first byte of the response; after that the session is sealed and any
/// change throws, because a change that could no longer be saved (or reported as failed) must not look saved.
/// </remarks>
internal sealed class RedisSession(RedisSessionStore store, HttpContext context, string? cookie) : ISession
{
    private Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private int _size = SessionSerializer.HeaderSize;
    private string? _id;
    private string? _owner;
    private IReadOnlyList<SessionField> _fields = []; // a newer release's header fields, written back as they came
    private string? _replacedId; // the stored id a regeneration replaces: deleted by the commit that saves the new one
    private long? _cookieVersion; // the version the cookie carries: what a local copy must at least hold
    private long? _version; // the stored (or, new, initial) version; null for a session saved and read without one
    private bool _isNew;
    private bool _loaded;
    private bool _dirty;
    private bool _sealed;

    /// <summary>True once loaded; false (instead of throwing) when Redis cannot be reached.</summary>
    public bool IsAvailable
    {
        get
        {
            try
            {
                Load();
                return true;
            }
            catch (SessionUnavailableException)
            {
                return false;
            }
        }
    }

    public string Id
    {
        get
        {
            Load();
            return _id!;
        }
    }

    public IEnumerable<string> Keys
    {
        get
        {
            Load();
            return _values.Keys.ToArray();
        }
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded)
        {
            return;
        }

        Identify();
        if (!_isNew)
        {
            Apply(await store.LoadAsync(_id!, _cookieVersion, cancellationToken));
        }

        _loaded = true;
    }

    public bool TryGetValue(string key, out byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Load();
        if (_values.TryGetValue(key, out var stored))
        {
            value = stored;
            return true;
        }

        value = null!;
        return false;
    }

    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureChangeable();
        Load();

        var size = _size + SessionSerializer.MeasureEntry(key, value.Length)
            - (_values.TryGetValue(key, out var previous) ? SessionSerializer.MeasureEntry(key, previous.Length) : 0);
        var limit = store.Options.MaxSizeBytes;
        if (size > limit)
        {
            throw new SessionTooLargeException(
                $"Setting session key \"{key}\" would grow the session to {size} bytes, over " +
                $"{RedisSessionOptions.SectionName}:MaxSizeBytes ({limit}). Keep ids in the session, not whole objects.");
        }

        // A copy: the caller may reuse its array, and the session must save what was set, not what it became.
        _values[key] = value.ToArray();
        _size = size;
        _dirty = true;
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureChangeable();
        Load();
        if (_values.Remove(key, out var removed))
        {
            _size -= SessionSerializer.MeasureEntry(key, removed.Length);
            _dirty = true;
        }
    }

    public void Clear()
    {
        EnsureChangeable();
        Load();
        if (_values.Count > 0)
        {
            _values.Clear();
            Measure();
            _dirty = true;
        }
    }

    /// <summary>Saves now if changed (the middleware also commits before the response starts).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (!_dirty)
        {
            return;
        }

        if (_values.Count == 0)
        {
            // Emptied (e.g. sign-out): delete it rather than keep an empty value alive in Redis.
            if (_replacedId is not null)
            {
                await store.DeleteAsync(_replacedId, cancellationToken);
                _replacedId = null;
            }

            if (!_isNew)
            {
                await store.DeleteAsync(_id!, cancellationToken);
                _isNew = true;
            }

            if (!context.Response.HasStarted)
            {
                store.DeleteCookie(context);
            }
        }
        else
        {
            if (_isNew && context.Response.HasStarted)
            {
                throw new InvalidOperationException(
                    "A new session cannot be saved after the response has started: its cookie can no longer be sent.");
            }

            // A version, once stored, is counted by every save, whether or not cookies carry it yet: a copy must never
            // claim a version whose content it does not have.
            var version = _version + 1;
            var fields = version is { } next ? SessionVersion.With(_fields, next) : _fields;
            var versionedCookie = store.Options.VersionedCookies ? version : null;
            var reissue = _isNew || (versionedCookie is not null && !context.Response.HasStarted);

            // Protect first: if the key ring cannot be read, nothing is saved that no cookie would point to.
            var cookieValue = reissue ? store.CookieProtector.Protect(_id!, versionedCookie) : null;
            var data = SessionSerializer.Serialize(_values, _owner, fields);
            if (_replacedId is not null)
            {
                await store.ReplaceAsync(_replacedId, _id!, data, cancellationToken);
                _replacedId = null;
            }
            else
            {
                await store.SaveAsync(_id!, data, cancellationToken);
            }

            _fields = fields;
            _version = version;

            if (cookieValue is not null)
            {
                store.AppendCookie(context, cookieValue);
                _isNew = false;
            }
        }

        _dirty = false;
    }

    /// <summary>
    /// A new id for the same content, bound to the request's current owner; the commit deletes the old id. See
    /// <see cref="SessionRegeneration.RegenerateAsync"/>.
    /// </summary>
    internal async Task RegenerateAsync(CancellationToken cancellationToken)
    {
        EnsureChangeable();
        await LoadAsync(cancellationToken);
        if (!_isNew)
        {
            _replacedId = _id;
        }

        _id = SessionCookieProtector.NewId();
        _isNew = true;
        _owner = store.OwnerOf(context);
        Measure();
        _dirty = true;
        SessionLog.Regenerated(store.Logger);
    }

    /// <summary>The last save, right before the response starts; later changes throw.</summary>
    internal Task CommitBeforeResponseAsync(CancellationToken cancellationToken)
    {
        _sealed = true;
        return CommitAsync(cancellationToken);
    }

    private void Load()
    {
        if (_loaded)
        {
            return;
        }

        // Synchronous fallback for code that did not await LoadAsync first (as with the stock session);
        // StackExchange.Redis has a true synchronous path, so this blocks but cannot deadlock.
        Identify();
        if (!_isNew)
        {
            Apply(store.Load(_id!));
        }

        _loaded = true;
    }

    /// <summary>Reads the cookie (no Redis): its id if genuine, otherwise a fresh id for a new session.</summary>
    private void Identify()
    {
        if (_id is not null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(cookie))
        {
            _id = store.CookieProtector.Unprotect(cookie, out _cookieVersion, out var refusal);
            if (refusal is not null)
            {
                SessionLog.CookieRefused(store.Logger, refusal);
            }
        }

        if (_id is null)
        {
            StartNew();
        }
    }

    private void Apply(byte[]? data)
    {
        if (data is null)
        {
            // Expired, evicted or deleted: a fresh id, so a stale cookie never names the next session.
            SessionLog.SessionExpired(store.Logger);
            StartNew();
            return;
        }

        Dictionary<string, byte[]> values;
        string? owner;
        IReadOnlyList<SessionField> fields;
        try
        {
            values = SessionSerializer.Deserialize(data, out owner, out fields);
        }
        catch (FormatException ex)
        {
            SessionLog.SessionUnreadable(store.Logger, ex.Message);
            StartNew();
            return;
        }

        if (!string.Equals(owner, store.OwnerOf(context), StringComparison.Ordinal))
        {
            // A genuine cookie naming someone else's session: planted by whoever created it, or copied from its owner.
            SessionLog.OwnerMismatch(store.Logger);
            StartNew();
            return;
        }

        _values = values;
        _owner = owner;
        _fields = fields;
        _version = SessionVersion.Read(fields);
        StartVersioningIfDue();
        Measure();
    }

    private void StartNew()
    {
        _id = SessionCookieProtector.NewId();
        _isNew = true;
        _values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        _owner = store.OwnerOf(context);
        _fields = [];
        _version = null;
        StartVersioningIfDue();
        Measure();
    }

    /// <summary>
    /// With versioned cookies on, a session without a version gets version 0 now, so its size (the field is fixed-size)
    /// is measured before anything is set, and its first save stores 1.
    /// </summary>
    private void StartVersioningIfDue()
    {
        if (_version is null && store.Options.VersionedCookies)
        {
            _version = 0;
            _fields = SessionVersion.With(_fields, 0);
        }
    }

    /// <summary>The serialized size (an upper bound), from scratch: header, owner, header fields, entries.</summary>
    private void Measure() =>
        _size = SessionSerializer.HeaderSize + SessionSerializer.MeasureOwner(_owner) + SessionSerializer.MeasureFields(_owner, _fields)
            + _values.Sum(entry => SessionSerializer.MeasureEntry(entry.Key, entry.Value.Length));

    private void EnsureChangeable()
    {
        if (_sealed)
        {
            throw new InvalidOperationException(
                "The session cannot be changed after the response has started: the change could no longer be saved. " +
                "Change the session before writing the response.");
        }
    }
}
